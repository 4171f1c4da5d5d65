"""Rule-text diagnostics as the API shows them, and the size limit of rule text.

The API and the editor list every problem of a rule file the same way: line and column,
code, the message and the suggestion in zh-CN and English (``dsl.Diagnostic.as_dict``).
"""

from __future__ import annotations

from typing import Any, Final

from dsl import Diagnostic, DslCheckError, DslError, DslLimitError

#: Largest rule text the API and the editor take (characters). The parser itself takes up
#: to ``dsl.MAX_CHARS`` (the CLI); a studio request this large is a pasted file by mistake.
MAX_RULE_TEXT: Final = 200_000


def too_large(text: str, limit: int = MAX_RULE_TEXT) -> DslLimitError | None:
    """The ``dsl.limit.too_large`` refusal for ``text`` longer than ``limit``, else None."""
    if len(text) <= limit:
        return None
    return DslLimitError("dsl.limit.too_large", line=1, column=1,
                         context={"size": f"{len(text):,}", "limit": f"{limit:,}"},
                         suggestion="Split the rules into several rule sets.",
                         suggestion_zh="请把规则拆成多个规则集。")


def require_size(text: str, limit: int = MAX_RULE_TEXT) -> None:
    """Refuse rule text longer than ``limit`` characters.

    Raises:
        DslLimitError: ``dsl.limit.too_large`` with the size and the limit.
    """
    refusal = too_large(text, limit)
    if refusal is not None:
        raise refusal


def diagnostics(found: DslError | tuple[Diagnostic, ...]) -> list[dict[str, Any]]:
    """Every diagnostic of an error (a syntax or limit error has one) as JSON."""
    if isinstance(found, DslCheckError):
        return [d.as_dict() for d in found.diagnostics]
    if isinstance(found, DslError):
        return [found.diagnostic().as_dict()]
    return [d.as_dict() for d in found]


def diagnostics_of(exc: Exception) -> list[dict[str, Any]] | None:
    """The ``diagnostics`` member of a problem: rule-text errors only, else None."""
    return diagnostics(exc) if isinstance(exc, DslError) else None
