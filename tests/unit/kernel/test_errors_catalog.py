"""Every error code is unique and every zh/en template renders (cf. pydantic's list_all_errors)."""

from __future__ import annotations

import string

import inventory.contracts.errors  # noqa: F401  (registers the subclasses)
import inventory.documents.errors  # noqa: F401  (registers the subclasses)
import inventory.errors  # noqa: F401  (registers the subclasses)
import inventory.manufacturing.errors  # noqa: F401  (registers the subclasses)
import inventory.movements  # noqa: F401
import inventory.planning.errors  # noqa: F401  (registers the subclasses)
import inventory.recipes.errors  # noqa: F401  (registers the subclasses)
from kernel.errors import DomainError


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def test_codes_are_unique_and_dotted():
    classes = DomainError.all_subclasses()
    codes = [c.code for c in classes]
    assert len(codes) == len(set(codes)), sorted(c for c in codes if codes.count(c) > 1)
    assert all("." in c or c in {"not_found", "invalid_input"} for c in codes)
    assert len(classes) >= 15


def test_every_template_renders_in_both_languages():
    for cls in DomainError.all_subclasses():
        fields = _fields(cls.template_en) | _fields(cls.template_zh)
        err = cls(**{f: f"<{f}>" for f in fields})
        en, zh = err.render("en"), err.render("zh-CN")
        assert en and zh and en != zh, cls.__name__
        assert 400 <= cls.http_status < 600
        assert cls.__doc__, f"{cls.__name__} needs a one-line English summary"
