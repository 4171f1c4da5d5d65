"""``jxcflow dsl check`` and ``jxcflow dsl fmt`` (the typer app the lead mounts)."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from dsl.cli import app

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "rules"
runner = CliRunner()


def test_check_clean_files_exit_0() -> None:
    result = runner.invoke(app, ["check", *map(str, sorted(EXAMPLES.glob("*.rule")))])
    assert result.exit_code == 0, result.output
    assert result.output == ""


def test_check_prints_file_line_col_code_and_caret(tmp_path: Path) -> None:
    bad = tmp_path / "bad.rule"
    bad.write_text("rule r\n  when sales_order.confirmed\n  if order.deposit_amont > 2h\n"
                   "  then reserve order.lines\nend\n", encoding="utf-8")
    result = runner.invoke(app, ["check", str(bad)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == (f"{bad}:3:6: error[dsl.name.unknown_field]: `order.deposit_amont` is "
                        "not a field available on event `sales_order.confirmed`. Did you mean "
                        "`order.deposit_amount`?")
    assert lines[1] == "      if order.deposit_amont > 2h"
    assert lines[2] == "         " + "^" * len("order.deposit_amont")


def test_check_syntax_error_in_chinese(tmp_path: Path) -> None:
    bad = tmp_path / "bad.rule"
    bad.write_text("规则 甲 当 sales_order.confirmed 若 order.deposit_amount > 0 "
                   "预占 order.lines 结束", encoding="utf-8")
    result = runner.invoke(app, ["check", "--locale", "zh-CN", str(bad)])
    assert result.exit_code == 1
    assert "error[dsl.syntax.missing_then]" in result.output and "请在 `预占` 之前加上 `则`" in \
        result.output


def test_fmt_rewrites_in_place_and_switches_language(tmp_path: Path) -> None:
    target = tmp_path / "deposit.rule"
    shutil.copy(EXAMPLES / "deposit_locks_stock.rule", target)
    original = target.read_text(encoding="utf-8")
    result = runner.invoke(app, ["fmt", "--lang", "zh", str(target)])
    assert result.exit_code == 0 and "reformatted" in result.output
    assert "规则 deposit_locks_stock" in target.read_text(encoding="utf-8")
    runner.invoke(app, ["fmt", "--lang", "en", str(target)])
    assert target.read_text(encoding="utf-8") == original


def test_fmt_check_reports_without_writing(tmp_path: Path) -> None:
    target = tmp_path / "messy.rule"
    target.write_text("rule r when a.b then release x end", encoding="utf-8")
    result = runner.invoke(app, ["fmt", "--check", str(target)])
    assert result.exit_code == 1 and "would reformat" in result.output
    assert target.read_text(encoding="utf-8") == "rule r when a.b then release x end"
    clean = runner.invoke(app, ["fmt", "--check", *map(str, sorted(EXAMPLES.glob("*.rule")))])
    assert clean.exit_code == 0


def test_fmt_refuses_a_broken_file(tmp_path: Path) -> None:
    target = tmp_path / "broken.rule"
    target.write_text("rule r when a.b then", encoding="utf-8")
    result = runner.invoke(app, ["fmt", str(target)])
    assert result.exit_code == 1 and "dsl.syntax.missing_action" in result.output
    assert target.read_text(encoding="utf-8") == "rule r when a.b then"
