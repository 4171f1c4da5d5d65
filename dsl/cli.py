"""``jxcflow dsl check`` and ``jxcflow dsl fmt``: the rule language on the command line.

``check`` prints ``FILE:LINE:COL: error[CODE]: message`` with the source line and a caret,
and exits 1 when any file has a problem. ``fmt`` rewrites files in canonical form (as
black does); ``--check`` only reports the files it would change.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from dsl.checker import check as check_rules
from dsl.errors import Diagnostic, DslError
from dsl.formatter import format_rules
from dsl.parser import parse
from dsl.schema_defaults import default_registry

app = typer.Typer(help="Check and format rule files.", no_args_is_help=True)


class Locale(StrEnum):
    """Language of the messages."""

    en = "en"
    zh = "zh-CN"


class KeywordLang(StrEnum):
    """Keyword language of formatted rules."""

    en = "en"
    zh = "zh"


def _caret(text: str, d: Diagnostic) -> str:
    lines = text.split("\n")
    if not 1 <= d.line <= len(lines):
        return ""
    source = lines[d.line - 1]
    same_line = d.end_line == d.line
    width = max(1, d.end_column - d.column if same_line else len(source) - d.column + 1)
    return f"    {source}\n    {' ' * max(d.column - 1, 0)}{'^' * width}"


def _report(path: str, text: str, d: Diagnostic, locale: str) -> None:
    typer.echo(f"{path}:{d.line}:{d.column}: error[{d.code}]: {d.render(locale)}")
    caret = _caret(text, d)
    if caret:
        typer.echo(caret)


def _problems(text: str) -> list[Diagnostic]:
    try:
        return check_rules(parse(text), default_registry())
    except DslError as exc:
        return [exc.diagnostic()]


@app.command()
def check(files: list[Path] = typer.Argument(..., help="Rule files to check."),
          locale: Locale = typer.Option(Locale.en, "--locale", help="Message language.")
          ) -> None:
    """Report every problem in the rule files; exit 1 if there is any."""
    failed = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        problems = _problems(text)
        for d in problems:
            _report(str(path), text, d, locale.value)
        failed += bool(problems)
    if failed:
        typer.echo(f"{failed} file(s) with problems", err=True)
        raise typer.Exit(1)


@app.command()
def fmt(files: list[Path] = typer.Argument(..., help="Rule files to format in place."),
        lang: KeywordLang | None = typer.Option(None, "--lang",
                                                help="Keyword language (default: as written)."),
        check_only: bool = typer.Option(False, "--check",
                                        help="Only report files that would change.")) -> None:
    """Rewrite rule files in canonical form, optionally in the other keyword language."""
    changed = errors = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        try:
            new = format_rules(parse(text), lang.value if lang else None)
        except DslError as exc:
            _report(str(path), text, exc.diagnostic(), "en")
            errors += 1
            continue
        if new == text:
            continue
        changed += 1
        if check_only:
            typer.echo(f"would reformat {path}")
        else:
            path.write_text(new, encoding="utf-8")
            typer.echo(f"reformatted {path}")
    if errors or (check_only and changed):
        raise typer.Exit(1)
