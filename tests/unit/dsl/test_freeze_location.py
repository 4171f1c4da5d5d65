"""``freeze location`` / ``冻结 库位``: the lots on hand in a location (the food pack, #11)."""

from __future__ import annotations

import pytest

from dsl import DslCheckError, EventType, FieldDef, format_text, parse, parse_and_check, parse_type
from dsl.ast_rules import Freeze
from dsl.schema_defaults import default_registry

EN = ('rule warm "warm" when freezer.temperature_reported\n'
      '  if freezer.temperature > -15 °C then freeze location freezer.name end\n')


def test_it_parses_in_both_languages_to_the_same_rule() -> None:
    zh = format_text(EN, "zh")
    assert "冻结 库位 " in zh
    assert format_text(zh, "en") == format_text(EN)
    rule = parse(EN).items[0]
    action = rule.actions[0]  # type: ignore[attr-defined]
    assert isinstance(action, Freeze) and action.kind == "location"


def test_the_checker_accepts_a_text_location_and_refuses_a_temperature() -> None:
    parse_and_check(EN, default_registry())
    bad = EN.replace("freeze location freezer.name", "freeze location freezer.temperature")
    with pytest.raises(DslCheckError) as refused:
        parse_and_check(bad, default_registry())
    assert [d.code for d in refused.value.diagnostics] == ["dsl.type.action_argument"]


def test_location_is_still_a_name_after_a_dot() -> None:
    registry = default_registry().extended([EventType(
        name="probe.read", label_en="Probe read", label_zh="探头读数", key="probe.id",
        fields=(FieldDef(path="probe.location", type=parse_type("text"), label_en="Location",
                         label_zh="库位", source="probe.location"),))])
    text = 'rule r when probe.read then freeze location probe.location end\n'
    parse_and_check(text, registry)
    assert "冻结 库位 probe.location" in format_text(text, "zh")
