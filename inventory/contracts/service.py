"""Contracts, metering and invoice drafts in the database — no stock anywhere.

Every write is one transaction of the caller's tenant, idempotent by key, and appends its
domain event (``contract.milestone_reached``, ``metering.usage_recorded``,
``invoice_draft.created``; the services pack declares them) to the outbox so that the
tenant's rules can react. Nothing here imports the stock ledger or its commands.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, TypeVar, cast

from sqlalchemy import CursorResult, Table, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from inventory import guarantees
from inventory.contracts import pricing
from inventory.contracts.errors import (
    AlreadyDone,
    DuplicateContract,
    InvalidPeriod,
    InvalidPricing,
    InvoiceAlreadyDrafted,
    MilestoneNotReady,
    UnknownContract,
    UnknownInvoice,
    UnknownMetric,
    UnknownPart,
    UsageEventReused,
    UsageOutsideContract,
)
from inventory.contracts.models import (
    Contract,
    Deliverable,
    InvoiceDraft,
    InvoiceDraftLine,
    Milestone,
    UsageRecord,
)
from kernel.clock import Clock, tenant_now
from kernel.db import Database

T = TypeVar("T")
_ZERO = Decimal("0.000")


@dataclass(frozen=True, slots=True, kw_only=True)
class Caller:
    """Who acts, in which tenant, under which Idempotency-Key."""

    tenant_id: int
    actor: str
    idempotency_key: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class NewDeliverable:
    """A deliverable of a new contract."""

    code: str
    title: str
    due_on: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class NewMilestone:
    """A milestone of a new contract: its amount and the deliverables it waits for."""

    code: str
    title: str
    amount: Decimal
    deliverables: tuple[str, ...] = ()
    due_on: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class NewContract:
    """A contract as typed in; ``prices`` maps metric → {unit, pricing, tiers}."""

    no: str
    customer: str
    title: str
    starts_on: date
    ends_on: date | None = None
    currency: str = "CNY"
    prices: Mapping[str, Mapping[str, Any]]
    deliverables: tuple[NewDeliverable, ...] = ()
    milestones: tuple[NewMilestone, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class NewUsage:
    """Metered consumption reported by a meter (``event_id`` makes a repeat harmless)."""

    contract: str
    metric: str
    qty: Decimal
    occurred_at: datetime
    event_id: str


def period_bounds(period: str) -> tuple[datetime, datetime]:
    """[start, end) of a ``YYYY-MM`` month, in UTC.

    Raises:
        InvalidPeriod: not a month written YYYY-MM.
    """
    try:
        start = datetime.strptime(period + "-01", "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError as exc:
        raise InvalidPeriod(period=period, reason="write the month as YYYY-MM",
                            reason_zh="请按 YYYY-MM 写月份") from exc
    if len(period) != 7:
        raise InvalidPeriod(period=period, reason="write the month as YYYY-MM",
                            reason_zh="请按 YYYY-MM 写月份")
    end = start.replace(year=start.year + 1, month=1) if start.month == 12 else \
        start.replace(month=start.month + 1)
    return start, end


def _contract(session: Session, no: str) -> Contract:
    row = session.scalar(select(Contract).where(Contract.no == no))
    if row is None:
        raise UnknownContract(no=no)
    return row


def _emit(session: Session, caller: Caller, event_type: str, key: str,
          payload: dict[str, Any], now: datetime) -> None:
    guarantees.append_event(session, caller.tenant_id, guarantees.new_event_id(), event_type,
                            key, {"type": event_type, **payload}, now)


def contract_view(session: Session, row: Contract) -> dict[str, Any]:
    """A contract with its deliverables and milestones, as the API shows it."""
    deliverables = session.scalars(select(Deliverable).where(Deliverable.contract_id == row.id)
                                   .order_by(Deliverable.id))
    milestones = session.scalars(select(Milestone).where(Milestone.contract_id == row.id)
                                 .order_by(Milestone.id))
    return {
        "no": row.no, "customer": row.customer, "title": row.title, "status": row.status,
        "starts_on": row.starts_on.isoformat(),
        "ends_on": row.ends_on.isoformat() if row.ends_on else None,
        "currency": row.currency, "prices": row.prices,
        "deliverables": [{"code": d.code, "title": d.title, "status": d.status,
                          "due_on": d.due_on.isoformat() if d.due_on else None,
                          "delivered_at": d.delivered_at.isoformat() if d.delivered_at
                          else None} for d in deliverables],
        "milestones": [{"code": m.code, "title": m.title, "status": m.status,
                        "amount": str(m.amount), "deliverables": m.deliverables,
                        "due_on": m.due_on.isoformat() if m.due_on else None,
                        "reached_at": m.reached_at.isoformat() if m.reached_at else None}
                       for m in milestones]}


def _create(session: Session, caller: Caller, new: NewContract, now: datetime
            ) -> dict[str, Any]:
    prices: dict[str, Any] = {}
    for metric, raw in new.prices.items():
        try:
            prices[metric] = pricing.plan_data(pricing.plan_from(metric, raw))
        except pricing.PricingError as exc:
            raise InvalidPricing(metric=metric, reason=exc.reason_en,
                                 reason_zh=exc.reason_zh) from exc
    codes = {d.code for d in new.deliverables}
    for m in new.milestones:
        missing = sorted(set(m.deliverables) - codes)
        if missing:
            raise UnknownPart(no=new.no, kind="deliverable", kind_zh="交付物",
                              part=", ".join(missing))
    if session.scalar(select(Contract.id).where(Contract.no == new.no)) is not None:
        raise DuplicateContract(no=new.no)
    row = Contract(tenant_id=caller.tenant_id, no=new.no, customer=new.customer,
                   title=new.title, status="active", starts_on=new.starts_on,
                   ends_on=new.ends_on, currency=new.currency, prices=prices,
                   created_by=caller.actor, created_at=now)
    session.add(row)
    session.flush()
    session.add_all([Deliverable(tenant_id=caller.tenant_id, contract_id=row.id, code=d.code,
                                 title=d.title, due_on=d.due_on, status="open")
                     for d in new.deliverables])
    session.add_all([Milestone(tenant_id=caller.tenant_id, contract_id=row.id, code=m.code,
                               title=m.title, due_on=m.due_on, amount=m.amount,
                               deliverables=list(m.deliverables), status="open")
                     for m in new.milestones])
    session.flush()
    return contract_view(session, row)


def _move(session: Session, model: type[Deliverable] | type[Milestone], row_id: int,
          expected: str, refusal: AlreadyDone, **values: Any) -> None:
    """Move a row out of ``expected`` status with one conditional UPDATE, so two concurrent
    requests never both move it (the loser gets ``refusal``)."""
    table = cast(Table, model.__table__)
    moved = session.execute(update(table).where(table.c.id == row_id,
                                                table.c.status == expected).values(**values))
    if cast(CursorResult[Any], moved).rowcount != 1:
        raise refusal
    session.expire_all()


def _deliver(session: Session, caller: Caller, no: str, code: str, now: datetime
             ) -> dict[str, Any]:
    contract = _contract(session, no)
    row = session.scalar(select(Deliverable).where(Deliverable.contract_id == contract.id,
                                                   Deliverable.code == code))
    if row is None:
        raise UnknownPart(no=no, kind="deliverable", kind_zh="交付物", part=code)
    if row.status == "delivered":
        raise AlreadyDone(no=no, kind="deliverable", kind_zh="交付物", part=code,
                          state="delivered", state_zh="交付")
    _move(session, Deliverable, row.id, "open", AlreadyDone(
        no=no, kind="deliverable", kind_zh="交付物", part=code, state="delivered",
        state_zh="交付"), status="delivered", delivered_at=now, delivered_by=caller.actor)
    return contract_view(session, contract)


def _reach(session: Session, caller: Caller, no: str, code: str, now: datetime
           ) -> dict[str, Any]:
    contract = _contract(session, no)
    row = session.scalar(select(Milestone).where(Milestone.contract_id == contract.id,
                                                 Milestone.code == code))
    if row is None:
        raise UnknownPart(no=no, kind="milestone", kind_zh="里程碑", part=code)
    if row.status != "open":
        raise AlreadyDone(no=no, kind="milestone", kind_zh="里程碑", part=code,
                          state="reached", state_zh="达成")
    delivered = set(session.scalars(select(Deliverable.code).where(
        Deliverable.contract_id == contract.id, Deliverable.status == "delivered")))
    missing = sorted(set(row.deliverables) - delivered)
    if missing:
        raise MilestoneNotReady(no=no, part=code, missing=", ".join(missing))
    _move(session, Milestone, row.id, "open", AlreadyDone(
        no=no, kind="milestone", kind_zh="里程碑", part=code, state="reached",
        state_zh="达成"), status="reached", reached_at=now)
    _emit(session, caller, "contract.milestone_reached", no, {
        "contract": {"no": no, "customer": contract.customer},
        "milestone": {"code": code, "amount": str(row.amount)}}, now)
    return contract_view(session, contract)


def _usage_view(session: Session, row: UsageRecord) -> dict[str, Any]:
    return {"id": row.id, "contract": session.get_one(Contract, row.contract_id).no,
            "metric": row.metric, "qty": str(row.qty),
            "occurred_at": row.occurred_at.isoformat(), "event_id": row.event_id,
            "recorded_by": row.recorded_by}


def _record_usage(session: Session, caller: Caller, new: NewUsage, now: datetime
                  ) -> dict[str, Any]:
    contract = _contract(session, new.contract)
    first = session.scalar(select(UsageRecord).where(UsageRecord.event_id == new.event_id))
    if first is not None:
        same = (first.contract_id, first.metric, first.qty, first.occurred_at) == (
            contract.id, new.metric, new.qty.quantize(Decimal("0.001")), new.occurred_at)
        if not same:
            raise UsageEventReused(event_id=new.event_id)
        return {**_usage_view(session, first), "duplicate": True}
    if new.metric not in contract.prices:
        raise UnknownMetric(no=contract.no, metric=new.metric,
                            priced=", ".join(sorted(contract.prices)) or "—")
    day = new.occurred_at.astimezone(UTC).date()
    if contract.status != "active" or day < contract.starts_on or (
            contract.ends_on is not None and day > contract.ends_on):
        raise UsageOutsideContract(no=contract.no, starts_on=contract.starts_on.isoformat(),
                                   ends_on=contract.ends_on.isoformat() if contract.ends_on
                                   else "—", occurred_at=new.occurred_at.isoformat())
    row = UsageRecord(tenant_id=caller.tenant_id, contract_id=contract.id, metric=new.metric,
                      qty=new.qty, occurred_at=new.occurred_at, event_id=new.event_id,
                      recorded_by=caller.actor, created_at=now)
    session.add(row)
    session.flush()
    _emit(session, caller, "metering.usage_recorded", contract.no, {
        "contract": {"no": contract.no, "customer": contract.customer},
        "usage": {"metric": new.metric, "qty": str(row.qty), "event_id": new.event_id}}, now)
    return {**_usage_view(session, row), "duplicate": False}


def invoice_view(session: Session, row: InvoiceDraft) -> dict[str, Any]:
    """An invoice draft with its lines, as the API shows it."""
    lines = session.scalars(select(InvoiceDraftLine).where(InvoiceDraftLine.invoice_id == row.id)
                            .order_by(InvoiceDraftLine.line_no))
    return {"no": row.no, "contract": session.get_one(Contract, row.contract_id).no,
            "customer": row.customer, "period": row.period, "status": row.status,
            "currency": row.currency, "total": str(row.total),
            "lines": [{"line_no": ln.line_no, "kind": ln.kind, "description": ln.description,
                       "metric": ln.metric, "qty": str(ln.qty), "unit_price": ln.unit_price,
                       "amount": str(ln.amount)} for ln in lines],
            "created_at": row.created_at.isoformat()}


def _usage_lines(session: Session, contract: Contract, start: datetime, end: datetime
                 ) -> list[tuple[str, str | None, Decimal, str, Decimal]]:
    """(kind, metric, qty, unit price, amount) per tier band of each metric used."""
    totals: dict[str, Decimal] = {}
    for metric, qty in session.execute(select(UsageRecord.metric, UsageRecord.qty).where(
            UsageRecord.contract_id == contract.id, UsageRecord.occurred_at >= start,
            UsageRecord.occurred_at < end)):
        totals[metric] = totals.get(metric, _ZERO) + qty
    lines: list[tuple[str, str | None, Decimal, str, Decimal]] = []
    for metric in sorted(totals):
        used = totals[metric]
        plan = pricing.plan_from(metric, contract.prices[metric])
        for band in pricing.charge(used, plan):
            lines.append(("usage", metric, band.qty, str(band.unit_price), band.amount))
    return lines


def _draft(session: Session, caller: Caller, no: str, period: str, now: datetime
           ) -> dict[str, Any]:
    start, end = period_bounds(period)
    if end > now:
        raise InvalidPeriod(period=period, reason="the month has not ended yet",
                            reason_zh="该月尚未结束")
    contract = _contract(session, no)
    existing = session.scalar(select(InvoiceDraft).where(InvoiceDraft.contract_id == contract.id,
                                                         InvoiceDraft.period == period))
    if existing is not None:
        raise InvoiceAlreadyDrafted(no=no, period=period, invoice=existing.no)
    invoice = InvoiceDraft(tenant_id=caller.tenant_id, no=f"INV-{no}-{period}",
                           contract_id=contract.id, customer=contract.customer, period=period,
                           status="draft", currency=contract.currency, total=Decimal("0.00"),
                           created_by=caller.actor, created_at=now)
    session.add(invoice)
    session.flush()
    milestones = list(session.scalars(select(Milestone).where(
        Milestone.contract_id == contract.id, Milestone.status == "reached",
        Milestone.reached_at < end).order_by(Milestone.id)))
    total = Decimal("0.00")
    line_no = 0
    for kind, metric, qty, price, amount in _usage_lines(session, contract, start, end):
        line_no += 1
        unit = contract.prices[metric or ""].get("unit", "")
        session.add(InvoiceDraftLine(
            tenant_id=caller.tenant_id, invoice_id=invoice.id, line_no=line_no, kind=kind,
            description=f"{metric} {qty} {unit} × {price}", metric=metric, qty=qty,
            unit_price=price, amount=amount))
        total += amount
    for m in milestones:
        line_no += 1
        session.add(InvoiceDraftLine(
            tenant_id=caller.tenant_id, invoice_id=invoice.id, line_no=line_no,
            kind="milestone", description=f"{m.code} {m.title}", metric=None,
            qty=Decimal("1.000"), unit_price=str(m.amount), amount=m.amount))
        m.status, m.invoice_id = "invoiced", invoice.id
        total += m.amount
    invoice.total = total
    session.flush()
    _emit(session, caller, "invoice_draft.created", invoice.no, {
        "contract": {"no": no, "customer": contract.customer},
        "invoice": {"no": invoice.no, "period": period, "total": str(total)}}, now)
    return invoice_view(session, invoice)


class ContractsService:
    """Contracts with deliverables and milestones, metered usage, and invoice drafts."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def _write(self, caller: Caller, command: str, request: Mapping[str, Any],
               work: Callable[[Session, datetime], dict[str, Any]]) -> dict[str, Any]:
        """One write transaction in the caller's tenant; with a key, at most once."""
        now = tenant_now(self.clock, caller.tenant_id)
        with self.db.write(caller.tenant_id) as session:
            key = caller.idempotency_key
            if key is not None:
                digest = guarantees.request_fingerprint(command, request)
                first = guarantees.claim_key(session, caller.tenant_id, key, command, digest,
                                             now)
                if first is not None:
                    return {**first, "replayed": True}
            result = work(session, now)
            if key is not None:
                guarantees.store_response(session, caller.tenant_id, key, result)
            return {**result, "replayed": False}

    def _read(self, tenant_id: int, work: Callable[[Session], T]) -> T:
        with self.db.read(tenant_id) as session:
            return work(session)

    def create(self, caller: Caller, new: NewContract) -> dict[str, Any]:
        """Create a contract with its prices, deliverables and milestones.

        Raises:
            DuplicateContract, InvalidPricing, UnknownPart (a milestone names an unknown
            deliverable).
        """
        try:
            return self._write(caller, "contracts.create", {"new": new},
                               lambda s, now: _create(s, caller, new, now))
        except IntegrityError as exc:  # a concurrent create of the same number
            raise DuplicateContract(no=new.no) from exc

    def deliver(self, caller: Caller, no: str, code: str) -> dict[str, Any]:
        """Mark a deliverable delivered.

        Raises:
            UnknownContract, UnknownPart, AlreadyDone.
        """
        return self._write(caller, "contracts.deliver", {"no": no, "code": code},
                           lambda s, now: _deliver(s, caller, no, code, now))

    def reach(self, caller: Caller, no: str, code: str) -> dict[str, Any]:
        """Mark a milestone reached (all its deliverables must be delivered).

        Raises:
            UnknownContract, UnknownPart, AlreadyDone, MilestoneNotReady.
        """
        return self._write(caller, "contracts.reach", {"no": no, "code": code},
                           lambda s, now: _reach(s, caller, no, code, now))

    def record_usage(self, caller: Caller, new: NewUsage) -> dict[str, Any]:
        """Record metered consumption; the same meter event id again records nothing more.

        Raises:
            UnknownContract, UnknownMetric, UsageOutsideContract, UsageEventReused.
        """
        def work(s: Session, now: datetime) -> dict[str, Any]:
            return _record_usage(s, caller, new, now)

        try:
            return self._write(caller, "metering.usage", {"new": new}, work)
        except IntegrityError:  # the same meter event committed concurrently: answer it
            return self._write(caller, "metering.usage", {"new": new}, work)

    def draft_invoice(self, caller: Caller, no: str, period: str) -> dict[str, Any]:
        """Draft the invoice of a contract for an ended month: usage by tier, milestones.

        Raises:
            UnknownContract, InvalidPeriod, InvoiceAlreadyDrafted.
        """
        try:
            return self._write(caller, "contracts.invoice", {"no": no, "period": period},
                               lambda s, now: _draft(s, caller, no, period, now))
        except IntegrityError as exc:  # the same month drafted concurrently
            raise InvoiceAlreadyDrafted(no=no, period=period,
                                        invoice=f"INV-{no}-{period}") from exc

    def contract(self, tenant_id: int, no: str) -> dict[str, Any]:
        """One contract.

        Raises:
            UnknownContract.
        """
        return self._read(tenant_id, lambda s: contract_view(s, _contract(s, no)))

    def contracts(self, tenant_id: int, customer: str | None, status: str | None,
                  offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
        """Contracts by number, optionally of one customer or status."""
        def work(s: Session) -> tuple[list[dict[str, Any]], int]:
            stmt = select(Contract)
            if customer:
                stmt = stmt.where(Contract.customer == customer)
            if status:
                stmt = stmt.where(Contract.status == status)
            total = s.scalar(select(func.count()).select_from(stmt.subquery())) or 0
            rows = s.scalars(stmt.order_by(Contract.no).offset(offset).limit(limit))
            return [contract_view(s, r) for r in rows], total
        return self._read(tenant_id, work)

    def usage(self, tenant_id: int, contract: str | None, metric: str | None,
              period: str | None, offset: int, limit: int
              ) -> tuple[list[dict[str, Any]], int]:
        """Usage records, newest first, optionally of one contract, metric or month."""
        def work(s: Session) -> tuple[list[dict[str, Any]], int]:
            stmt = select(UsageRecord).join(Contract, Contract.id == UsageRecord.contract_id)
            if contract:
                stmt = stmt.where(Contract.no == contract)
            if metric:
                stmt = stmt.where(UsageRecord.metric == metric)
            if period:
                start, end = period_bounds(period)
                stmt = stmt.where(UsageRecord.occurred_at >= start, UsageRecord.occurred_at < end)
            total = s.scalar(select(func.count()).select_from(stmt.subquery())) or 0
            rows = s.scalars(stmt.order_by(UsageRecord.occurred_at.desc(), UsageRecord.id.desc())
                             .offset(offset).limit(limit))
            return [_usage_view(s, r) for r in rows], total
        return self._read(tenant_id, work)

    def invoice(self, tenant_id: int, no: str) -> dict[str, Any]:
        """One invoice draft.

        Raises:
            UnknownInvoice.
        """
        def work(s: Session) -> dict[str, Any]:
            row = s.scalar(select(InvoiceDraft).where(InvoiceDraft.no == no))
            if row is None:
                raise UnknownInvoice(no=no)
            return invoice_view(s, row)
        return self._read(tenant_id, work)

    def invoices(self, tenant_id: int, contract: str | None, period: str | None,
                 offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
        """Invoice drafts, newest period first, optionally of one contract or month."""
        def work(s: Session) -> tuple[list[dict[str, Any]], int]:
            stmt = select(InvoiceDraft).join(Contract, Contract.id == InvoiceDraft.contract_id)
            if contract:
                stmt = stmt.where(Contract.no == contract)
            if period:
                stmt = stmt.where(InvoiceDraft.period == period)
            total = s.scalar(select(func.count()).select_from(stmt.subquery())) or 0
            rows = s.scalars(stmt.order_by(InvoiceDraft.period.desc(), InvoiceDraft.no)
                             .offset(offset).limit(limit))
            return [invoice_view(s, r) for r in rows], total
        return self._read(tenant_id, work)
