"""The inbox: alerts and notifications raised by rules, with the rule that raised them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict

from engine.rulesets import list_inbox
from studio.deps import DbDep, PagingDep, StockReader
from studio.schemas import Page

router = APIRouter(tags=["inbox"])


class InboxMessageOut(BaseModel):
    """One alert or notification."""

    model_config = ConfigDict(from_attributes=True)
    id: int
    kind: str
    recipient: str
    message: str
    event_id: str
    rule_id: str
    rule_version: str
    rule_node: str
    created_at: datetime
    read_at: datetime | None


@router.get("/inbox", response_model=Page[InboxMessageOut])
def inbox(principal: StockReader, db: DbDep, paging: PagingDep,
          recipient: Annotated[str | None, Query(max_length=120,
                                                 examples=["role:sales_manager"])] = None,
          ) -> Page[InboxMessageOut]:
    """Alerts and notifications, newest first, optionally for one role or user."""
    with db.read(principal.tenant_id) as session:
        rows, total = list_inbox(session, recipient, paging.offset, paging.limit)
        return Page(items=[InboxMessageOut.model_validate(r) for r in rows], count=total,
                    offset=paging.offset, limit=paging.limit)
