"""Switching to English and back changes every visible label of the main pages, and no
page shows a message id of the other language (an untranslated string)."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from studio.web.i18n import catalogue
from tests.e2e.studio.conftest import ConsoleErrors, login, shot

PAGES = ["/", "/stock/items", "/stock/balances", "/stock/ledger", "/documents", "/rules",
         "/rules/edit", "/inbox", "/health", "/packs", "/connectors"]
#: The first own text of every label-like element: menus, headings, table heads, buttons…
LABELS_JS = """() => Array.from(document.querySelectorAll(
  'header nav a, h1, h2, h3, h4, th, button, label, .tabs a, .empty, .pal, .pager a, .note'))
  .filter(el => el.offsetParent !== null)
  .map(el => Array.from(el.childNodes).filter(n => n.nodeType === 3)
                 .map(n => n.textContent.trim()).filter(Boolean)[0] || '')
  .filter(t => /\\p{L}/u.test(t))"""
#: Same in both languages on purpose: language names and the product name.
SAME = {"中文", "English", "jxcflow"}


def test_every_label_switches_language_and_back(browser, studio_url):
    errors = ConsoleErrors()
    page = login(browser, studio_url, "admin", errors)
    english_ids = {k for k, v in catalogue("zh_CN").items() if v != k}
    chinese = {v for k, v in catalogue("zh_CN").items() if v != k}
    for path in PAGES:
        page.goto(path)
        page.wait_for_load_state("networkidle")  # fragments loaded by htmx are in too
        zh = page.evaluate(LABELS_JS)
        assert zh, path
        untranslated = [t for t in zh if t in english_ids]
        assert not untranslated, (path, untranslated)
        page.click("[data-testid=switch-locale]")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        page.wait_for_load_state("networkidle")
        en = page.evaluate(LABELS_JS)
        assert len(en) == len(zh), (path, zh, en)
        unchanged = [z for z, e in zip(zh, en, strict=True) if z == e and z not in SAME
                     and not re.fullmatch(r"[A-Za-z0-9_.:\-]+", z)]  # ids: jxc.standard:x
        assert not unchanged, (path, unchanged)
        assert not [t for t in en if t in chinese and t not in SAME], (path, en)
        if path in ("/", "/rules/edit"):
            shot(page, f"en{path.replace('/', '-').rstrip('-') or '-dashboard'}")
        page.click("[data-testid=switch-locale]")
        expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
        page.wait_for_load_state("networkidle")
        assert page.evaluate(LABELS_JS) == zh, path
    for path in ("/stock/ledger", "/documents", "/inbox", "/stock/items"):
        page.goto(path)
        shot(page, path.strip("/").replace("/", "-"))
    assert errors == [], errors
