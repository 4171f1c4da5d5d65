"""Contracts and metering (进销存·无库存版) of the services pack: contracts with
deliverables and milestones (module ``contracts``), metered usage and monthly invoice
drafts (module ``metering``). No route here touches stock."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, status

from inventory.contracts import (
    Caller,
    ContractsService,
    NewContract,
    NewDeliverable,
    NewMilestone,
    NewUsage,
)
from kernel.security import Principal
from studio.deps import (
    CatalogWriter,
    ClockDep,
    DbDep,
    IdempotencyKey,
    PagingDep,
    StockReader,
    StockWriter,
    module,
)
from studio.schemas import Page
from studio.schemas_contracts import (
    ContractIn,
    ContractOut,
    InvoiceOut,
    InvoiceRequestIn,
    UsageIn,
    UsageOut,
)

contracts_router = APIRouter(prefix="/contracts", tags=["contracts"],
                             dependencies=[Depends(module("contracts"))])
metering_router = APIRouter(tags=["metering"], dependencies=[Depends(module("metering"))])
ContractNo = Annotated[str, Path(min_length=1, max_length=40, description="The contract no.")]
PartCode = Annotated[str, Path(min_length=1, max_length=40, description="The code.")]
InvoiceNo = Annotated[str, Path(min_length=1, max_length=60, description="The invoice no.")]
Filter = Annotated[str | None, Query(min_length=1, max_length=64)]
PeriodFilter = Annotated[str | None, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]


def get_contracts(db: DbDep, clock: ClockDep) -> ContractsService:
    """The contracts service on the application's database and clock."""
    return ContractsService(db, clock)


Contracts = Annotated[ContractsService, Depends(get_contracts)]


def caller(principal: Principal, key: str | None) -> Caller:
    """Who calls, in which tenant, with which Idempotency-Key."""
    return Caller(tenant_id=principal.tenant_id, actor=principal.actor, idempotency_key=key)


def _page(rows: tuple[list[dict[str, Any]], int], paging: Any) -> dict[str, Any]:
    return {"items": rows[0], "count": rows[1], "offset": paging.offset, "limit": paging.limit}


@contracts_router.post("", response_model=ContractOut, status_code=status.HTTP_201_CREATED)
def create_contract(body: ContractIn, principal: CatalogWriter, service: Contracts,
                    key: IdempotencyKey = None) -> dict[str, Any]:
    """Create a contract with its metric prices, deliverables and milestones."""
    new = NewContract(
        no=body.no, customer=body.customer, title=body.title, starts_on=body.starts_on,
        ends_on=body.ends_on, currency=body.currency,
        prices={m: p.model_dump(mode="json") for m, p in body.prices.items()},
        deliverables=tuple(NewDeliverable(**d.model_dump()) for d in body.deliverables),
        milestones=tuple(NewMilestone(code=m.code, title=m.title, amount=m.amount,
                                      deliverables=tuple(m.deliverables), due_on=m.due_on)
                         for m in body.milestones))
    return service.create(caller(principal, key), new)


@contracts_router.get("", response_model=Page[ContractOut])
def list_contracts(principal: StockReader, service: Contracts, paging: PagingDep,
                   customer: Filter = None,
                   status_: Annotated[Literal["active", "closed"] | None,
                                      Query(alias="status")] = None) -> dict[str, Any]:
    """Contracts by number, optionally of one customer or status."""
    return _page(service.contracts(principal.tenant_id, customer, status_, paging.offset,
                                   paging.limit), paging)


@contracts_router.get("/{contract_no}", response_model=ContractOut)
def get_contract(contract_no: ContractNo, principal: StockReader, service: Contracts
                 ) -> dict[str, Any]:
    """One contract with its deliverables and milestones."""
    return service.contract(principal.tenant_id, contract_no)


@contracts_router.post("/{contract_no}/deliverables/{deliverable}/deliver",
                       response_model=ContractOut)
def deliver(contract_no: ContractNo, deliverable: PartCode, principal: StockWriter,
            service: Contracts, key: IdempotencyKey = None) -> dict[str, Any]:
    """Mark a deliverable delivered."""
    return service.deliver(caller(principal, key), contract_no, deliverable)


@contracts_router.post("/{contract_no}/milestones/{milestone}/reach",
                       response_model=ContractOut)
def reach(contract_no: ContractNo, milestone: PartCode, principal: StockWriter,
          service: Contracts, key: IdempotencyKey = None) -> dict[str, Any]:
    """Mark a milestone reached; its deliverables must all be delivered."""
    return service.reach(caller(principal, key), contract_no, milestone)


@metering_router.post("/metering/usage", response_model=UsageOut,
                      status_code=status.HTTP_201_CREATED)
def record_usage(body: UsageIn, principal: StockWriter, service: Contracts,
                 key: IdempotencyKey = None) -> dict[str, Any]:
    """Record metered consumption of a contract's metric (the same ``event_id`` again
    records nothing more)."""
    return service.record_usage(caller(principal, key), NewUsage(**body.model_dump()))


@metering_router.get("/metering/usage", response_model=Page[UsageOut])
def list_usage(principal: StockReader, service: Contracts, paging: PagingDep,
               contract: Filter = None, metric: Filter = None,
               period: PeriodFilter = None) -> dict[str, Any]:
    """Usage records, newest first, optionally of one contract, metric or month."""
    return _page(service.usage(principal.tenant_id, contract, metric, period, paging.offset,
                               paging.limit), paging)


@metering_router.post("/invoice-drafts", response_model=InvoiceOut,
                      status_code=status.HTTP_201_CREATED)
def draft_invoice(body: InvoiceRequestIn, principal: StockWriter, service: Contracts,
                  key: IdempotencyKey = None) -> dict[str, Any]:
    """Draft the invoice of a contract for an ended month: usage by tier and the reached
    milestones not yet invoiced."""
    return service.draft_invoice(caller(principal, key), body.contract, body.period)


@metering_router.get("/invoice-drafts", response_model=Page[InvoiceOut])
def list_invoices(principal: StockReader, service: Contracts, paging: PagingDep,
                  contract: Filter = None, period: PeriodFilter = None) -> dict[str, Any]:
    """Invoice drafts, newest month first."""
    return _page(service.invoices(principal.tenant_id, contract, period, paging.offset,
                                  paging.limit), paging)


@metering_router.get("/invoice-drafts/{invoice_no}", response_model=InvoiceOut)
def get_invoice(invoice_no: InvoiceNo, principal: StockReader, service: Contracts
                ) -> dict[str, Any]:
    """One invoice draft with its lines."""
    return service.invoice(principal.tenant_id, invoice_no)
