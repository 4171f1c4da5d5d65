"""Validation errors in our words: every request field has a label, every error type a
sentence of ours, and reason slugs are worded (studio/validation.py, studio/reasons.py)."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from decimal import Decimal

import pytest
from pydantic import BaseModel, ValidationError

import studio
from studio.field_labels import FIELD_LABELS
from studio.reasons import reason_words
from studio.schemas import Strict
from studio.validation import summary, translate
from tests.api.conftest import has_cjk


def _request_models() -> Iterator[type[BaseModel]]:
    for module in pkgutil.iter_modules(studio.__path__):
        if module.name.startswith("schemas"):
            importlib.import_module(f"studio.{module.name}")
    stack: list[type[BaseModel]] = [Strict]
    while stack:
        cls = stack.pop()
        yield cls
        stack.extend(cls.__subclasses__())


def test_every_request_field_has_a_label_in_both_languages():
    fields = {name for model in _request_models() if model.__module__.startswith("studio.")
              for name in model.model_fields}
    assert len(fields) > 100
    missing = sorted(fields - set(FIELD_LABELS))
    assert missing == [], f"add these to studio/field_labels.py: {missing}"
    assert all(en and has_cjk(zh) for en, zh in FIELD_LABELS.values() if en != "SKU")


@pytest.mark.parametrize(("loc", "en", "zh"), [
    (("body", "qty"), "the quantity", "数量"),  # a top-level field
    (("body", "lines", 2, "unit_price"), "the unit price of line 3", "第 3 行的单价"),
    (("query", "limit"), "the page size", "每页条数"),  # not only bodies
    (("body", 17), "the request body", "请求内容"),  # malformed JSON: a position, no name
    (("body", "attributes", "colour", "constrained-str"), "the colour", "colour"),  # union tag
])
def test_a_value_is_named_by_its_label_and_its_line(loc, en, zh):
    assert translate({"loc": loc, "type": "missing"})["field"] == {"en": en, "zh-CN": zh}


class Sample(Strict):
    qty: Decimal
    n: int = 1
    is_active: bool = True


@pytest.mark.parametrize("value", [
    {"qty": "x"}, {"qty": 1, "n": "x"}, {"qty": 1, "n": 1.5}, {"qty": 1, "is_active": "maybe"},
    {"qty": [1]}, {}, {"qty": 1, "extra": 1}, {"qty": "inf"},
])
def test_no_pydantic_english_reaches_a_message(value):
    with pytest.raises(ValidationError) as err:
        Sample.model_validate(value)
    for error in err.value.errors():
        found = translate(error)
        assert has_cjk(found["message"]["zh-CN"]) and not has_cjk(found["message"]["en"])
        assert "Input should" not in found["message"]["en"]
        assert not found["message"]["en"].endswith(" is not valid."), error["type"]


def test_several_problems_are_counted_and_each_is_said():
    errors = [translate({"loc": ("body", "qty"), "type": "greater_than", "ctx": {"gt": 0}}),
              translate({"loc": ("body", "sku"), "type": "missing"})]
    assert summary(errors) == (
        "The request has 2 problems: The quantity must be greater than 0. The SKU is required.",
        "请求有 2 处问题：数量须大于 0。缺少商品编码。")


@pytest.mark.parametrize(("code", "reason", "reason_zh", "worded"), [
    ("connector.signature_rejected", "bad_signature", "签名不匹配", True),  # always worded
    ("connector.signature_rejected", "stale", "时间戳过旧", True),  # a one-word slug too
    ("invalid_input", "must_be_positive", None, True),  # a bare slug without Chinese
    ("invalid_input", "unknown or empty", "未知或为空", False),  # already words
    ("invalid_input", "too_many", "太多", False),  # came with its own Chinese
])
def test_reason_slugs_are_said_in_words(code, reason, reason_zh, worded):
    found = reason_words(code, reason, reason_zh)
    assert (found is not None) == worded
    if found:
        assert reason not in found[0] and has_cjk(found[1])
