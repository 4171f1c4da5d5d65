"""Every message the pages show has a zh-CN and an English entry in the catalogues."""

from __future__ import annotations

import re
from pathlib import Path

from studio.web.i18n import catalogue, translations
from studio.web.render import MENU

STUDIO = Path(__file__).parents[3] / "studio"
_CALL = re.compile(r"""\b_\(\s*(["'])(.*?)\1\s*\)""")


def used_ids() -> set[str]:
    found: set[str] = set()
    for path in [*(STUDIO / "templates").glob("*.html"), *(STUDIO / "web").glob("*.py")]:
        found.update(m.group(2) for m in _CALL.finditer(path.read_text(encoding="utf-8")))
    return found | {m.label for m in MENU}


def test_every_message_id_is_translated_in_both_languages() -> None:
    zh, en = catalogue("zh_CN"), catalogue("en")
    ids = used_ids()
    assert len(ids) > 100
    assert not [i for i in ids if not zh.get(i)], "missing zh-CN translations"
    assert not [i for i in ids if not en.get(i)], "missing English entries"
    assert set(zh) == set(en), "the two catalogues list different ids"


def test_compiled_catalogues_translate() -> None:
    assert translations("zh_CN").gettext("Sign in") == "登录"
    assert translations("en").gettext("Sign in") == "Sign in"
    assert translations("xx").gettext("Sign in") == "登录"  # unknown locale: the default
