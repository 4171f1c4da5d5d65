"""Page translations: gettext catalogues (Babel ``.po`` sources) compiled at import.

Sources live in ``studio/locale/<locale>/LC_MESSAGES/studio.po``; message ids are the
English text. They are compiled in memory when this module is imported, so no binary
``.mo`` file is committed and a changed ``.po`` is always what runs.
"""

from __future__ import annotations

import gettext
from functools import cache
from importlib import resources
from io import BytesIO

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES = ("zh_CN", "en")
DEFAULT_LOCALE = "zh_CN"


@cache
def translations(locale: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``locale`` (English ids pass through in ``en``)."""
    if locale not in LOCALES:
        locale = DEFAULT_LOCALE
    source = resources.files("studio") / "locale" / locale / "LC_MESSAGES" / "studio.po"
    with source.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def catalogue(locale: str) -> dict[str, str]:
    """Every message id and its translation in ``locale`` (for the completeness test)."""
    source = resources.files("studio") / "locale" / locale / "LC_MESSAGES" / "studio.po"
    with source.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    return {str(m.id): str(m.string) for m in catalog if m.id}


def normalise(value: str | None) -> str:
    """A supported locale from a session value or an ``Accept-Language`` tag."""
    if value and value.lower().startswith("en"):
        return "en"
    return DEFAULT_LOCALE
