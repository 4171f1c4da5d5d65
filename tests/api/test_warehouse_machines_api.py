"""Every (status, action) pair of the transfer, adjustment and stocktake machines, over
HTTP on SQLite and PostgreSQL.

For each status of each machine (walked there through the API along the module's own
transition table): every action the status allows works and reaches its next status;
every other action answers 409 ``document.invalid_transition`` listing the allowed actions
and the statuses they lead to, and changes nothing — not the document, not a balance, a
ledger row, an outbox event or an idempotency record.
"""

from __future__ import annotations

from enum import StrEnum

import pytest

from tests.api.conftest import ApiTenant, TenantFactory, assert_problem
from tests.api.warehouse_documents import MACHINES, Machine, stocked

CASES = [pytest.param(name, status, id=f"{name}-{status.value}")
         for name, machine in MACHINES.items()
         # sorted: every xdist worker must collect the same cases in the same order
         for status in sorted({s for moves in machine.table.values() for s in moves.values()}
                              | {machine.initial}, key=lambda s: s.value)]


def _refuse_all_but_allowed(machine: Machine, t: ApiTenant, status: StrEnum) -> None:
    """One document in ``status``: every action it does not allow is refused, harmlessly."""
    no = f"{machine.name[:2].upper()}-{status.value}"
    machine.reach(t, no, status)
    allowed = {a.value: n.value for a, n in machine.table.get(status, {}).items()}
    view = t.get(f"/{machine.collection}/{no}", "admin").json()
    for action, call in machine.actions.items():
        if action in allowed:
            continue
        before = t.snapshot()
        response = call(t, f"/{machine.collection}/{no}", {"Idempotency-Key": f"k-{action}"})
        body = assert_problem(response, 409, "document.invalid_transition")
        context = body["context"]
        assert (context["document"], context["status"], context["no"]) == (
            machine.name, status.value, no)
        listed = [x for x in context["allowed"].split(", ") if x != "—"]
        states = [x for x in context["next_states"].split(", ") if x != "—"]
        assert dict(zip(listed, states, strict=True)) == allowed, (action, context)
        for name in (*allowed, *allowed.values()):
            assert name in body["message"]["en"] and name in body["message"]["zh-CN"]
        assert t.snapshot() == before, action
        assert t.get(f"/{machine.collection}/{no}", "admin").json() == view


@pytest.mark.parametrize(("name", "status"), CASES)
def test_each_status_allows_its_actions_and_refuses_the_rest(
        make_tenant: TenantFactory, name: str, status: StrEnum) -> None:
    machine = MACHINES[name]
    t = make_tenant(roles=("admin", "warehouse"))
    stocked(t)
    _refuse_all_but_allowed(machine, t, status)
    for action, next_status in machine.table.get(status, {}).items():
        no = f"{name[:2].upper()}-{status.value}-{action.value}"
        machine.reach(t, no, status, then=action)
        outbox = t.snapshot().outbox_rows
        response = machine.actions[action.value](t, f"/{machine.collection}/{no}",
                                                 {"Idempotency-Key": f"ok-{no}"})
        assert response.status_code == 200, (action, response.text)
        assert response.json()["status"] == next_status.value
        assert response.json()["replayed"] is False
        assert machine.status_of(t, no) == next_status.value
        assert t.snapshot().outbox_rows > outbox  # the action emitted its event
