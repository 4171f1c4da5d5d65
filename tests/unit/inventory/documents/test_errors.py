"""Every document error has a unique dotted code and renders in zh-CN and English."""

from __future__ import annotations

import string

import inventory.documents  # noqa: F401  (registers the subclasses)
from inventory.documents.errors import DocumentError, InvalidTransition
from kernel.errors import DomainError


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def test_codes_are_unique_and_under_document() -> None:
    classes = DocumentError.all_subclasses()
    codes = [c.code for c in DomainError.all_subclasses()]
    assert len(codes) == len(set(codes))
    assert all(c.code.startswith("document.") for c in classes)
    assert len(classes) >= 10


def test_every_template_renders_in_both_languages() -> None:
    for cls in DocumentError.all_subclasses():
        fields = _fields(cls.template_en) | _fields(cls.template_zh)
        err = cls(**{f: f"<{f}>" for f in fields})
        en, zh = err.render("en"), err.render("zh-CN")
        assert en and zh and en != zh, cls.__name__
        assert cls.__doc__, cls.__name__


def test_invalid_transition_names_the_document_in_chinese() -> None:
    err = InvalidTransition(document="shipment", status="draft", action="ship",
                            allowed=["pick", "cancel"], no="SH-9")
    assert err.render("zh-CN").startswith("出库单 SH-9")
    assert "pick, cancel" in err.render("en")
    assert err.context["allowed"] == "pick, cancel"
