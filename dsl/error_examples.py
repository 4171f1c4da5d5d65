"""Labelled bad snippets that teach the parser what went wrong (Lark's ``match_examples``).

When parsing fails, the parser state of the failure is compared with the states these
snippets fail in; the label of the best match becomes the error's code and its hint the
suggestion. Each label has snippets in English and Chinese keywords and a hint in both
languages; ``{found}`` in a hint is the offending text.
"""

from __future__ import annotations

from typing import Final, NamedTuple


class Label(NamedTuple):
    """One kind of mistake: hint (en, zh) and snippets that make it."""

    hint_en: str
    hint_zh: str
    examples: tuple[str, ...]


_R = "rule r when a.b "
_RZ = "规则 甲 当 a.b "

EXAMPLES: Final[dict[str, Label]] = {
    "dsl.syntax.missing_when": Label(
        "Write `when <event type>` before {found}.",
        "请在 {found} 之前写 `当 <事件类型>`。",
        ("rule r if x then block \"m\" end", "rule r \"t\" if x then block \"m\" end",
         "rule r then block \"m\" end", "rule r \"t\" then block \"m\" end",
         "规则 甲 若 x 则 阻止 \"m\" 结束", "规则 甲 \"t\" 若 x 则 阻止 \"m\" 结束",
         "guard g if x then block \"m\" end", "guard g \"t\" if x then block \"m\" end",
         "守卫 甲 若 x 则 阻止 \"m\" 结束", "table t hit first", "决策表 甲 命中 首条",
         "rule r a.b if x then block \"m\" end", "规则 甲 a.b 若 x 则 阻止 \"m\" 结束")),
    "dsl.syntax.missing_then": Label(
        "Insert `then` before {found}.",
        "请在 {found} 之前加上 `则`。",
        (_R + "if x > 1 alert role:a \"m\" end", _R + "if x alert role:a \"m\" end",
         _R + "if x.y reserve a end", _R + "if f(x) release a end",
         _R + "if x > 2h freeze customer end", _R + "if x = \"a\" notify role:a \"m\" end",
         _RZ + "若 x > 1 预警 角色:a \"m\" 结束", _RZ + "若 x 预警 角色:a \"m\" 结束",
         _RZ + "若 x.y 预占 a 结束", _RZ + "若 x = \"a\" 通知 角色:a \"m\" 结束",
         _R + "if x is empty block \"m\" end", _R + "if (x) block \"m\" end",
         _R + "if x > 5 箱 freeze lot end", _R + "if x > ¥5 block \"m\" end",
         _R + "if true block \"m\" end", _R + "if x > 2% block \"m\" end",
         _R + "if no x.y within 2h freeze customer end", _RZ + "若 真 阻止 \"m\" 结束")),
    "dsl.syntax.missing_end": Label(
        "Close the rule with `end` before {found}.",
        "请在 {found} 之前用 `结束` 结束规则。",
        (_R + "then block \"m\"", _R + "then reserve a.b", _R + "then release a",
         _R + "then reserve a for 2h", _R + "then freeze customer",
         _R + "then freeze customer a.b", _R + "then set a.b to 1",
         _R + "then emit event a.b", _R + "then emit event a.b (c = 1)",
         _R + "then block \"m\" rule s when a.b then block \"m\" end",
         _R + "then release a rule s when a.b then block \"m\" end",
         _R + "then set a.b to 1 rule s when a.b then block \"m\" end",
         _RZ + "则 阻止 \"m\"", _RZ + "则 预占 a", _RZ + "则 冻结 客户",
         _RZ + "则 阻止 \"m\" 规则 乙 当 a.b 则 阻止 \"m\" 结束",
         "table t when a.b hit first inputs x outputs y row 1 -> 2",
         "table t when a.b hit first inputs x outputs y row 1 -> 2 rule r when a.b then "
         "block \"m\" end")),
    "dsl.syntax.missing_branch_end": Label(
        "Close the inner `if` with its own `end` before {found}; the rule needs one more `end`.",
        "请在 {found} 之前用 `结束` 结束里层的 `若`；规则本身还需要一个 `结束`。",
        (_R + "then if x then block \"m\"", _R + "then if x then release a",
         _R + "then if x then release a else block \"m\"",
         _R + "then if x then reserve a for 2h", _R + "then if x then freeze customer",
         _R + "then if x then set a.b to 1", _R + "then release a else if x then release a",
         _RZ + "则 若 x 则 阻止 \"m\"", _RZ + "则 若 x 则 释放 a",
         _RZ + "则 若 x 则 释放 a 否则 阻止 \"m\"")),
    "dsl.syntax.missing_action": Label(
        "Add an action such as `reserve …`, `alert role:… \"…\"` or `freeze customer …`.",
        "请写一个动作，如 `预占 …`、`预警 角色:… \"…\"` 或 `冻结 客户 …`。",
        (_R + "then end", _R + "then else block \"m\" end", _R + "then block \"m\" else end",
         _RZ + "则 结束", _RZ + "则 否则 阻止 \"m\" 结束")),
    "dsl.syntax.missing_condition": Label(
        "Write a condition after `if`, such as `order.deposit_amount > 0`.",
        "请在 `若` 之后写条件，如 `订单.定金 > 0`。",
        (_R + "if then block \"m\" end", _RZ + "若 则 阻止 \"m\" 结束",
         _R + "if end", _R + "if and x then block \"m\" end")),
    "dsl.syntax.missing_name": Label(
        "Give it a name such as `deposit_locks_stock` after the keyword.",
        "请在关键字之后写名称，如 `定金锁库存`。",
        ("rule when a.b then block \"m\" end", "rule \"t\" when a.b then block \"m\" end",
         "规则 当 a.b 则 阻止 \"m\" 结束", "规则 \"t\" 当 a.b 则 阻止 \"m\" 结束",
         "guard when a.b", "table when a.b", "rule 3 when a.b")),
    "dsl.syntax.missing_operand": Label(
        "Write a value before {found}, or remove the operator.",
        "请在 {found} 之前写值，或删除该运算符。",
        (_R + "if x > then block \"m\" end", _R + "if x and then block \"m\" end",
         _R + "if x + then block \"m\" end", _R + "if x or then block \"m\" end",
         _R + "if not then block \"m\" end", _RZ + "若 x > 则 阻止 \"m\" 结束",
         _RZ + "若 x 且 则 阻止 \"m\" 结束", _R + "if x * then block \"m\" end",
         _R + "then set a.b to end", _R + "if x > end")),
    "dsl.syntax.unclosed_bracket": Label(
        "Add the closing `)` or `]`.",
        "请补上右括号 `)` 或 `]`。",
        (_R + "if (x > 1 then block \"m\" end", _R + "if abs(x then block \"m\" end",
         _R + "if x in [1, 2 then block \"m\" end", _R + "if (x then block \"m\" end",
         _RZ + "若 (x > 1 则 阻止 \"m\" 结束", _R + "if (x and y then block \"m\" end")),
    "dsl.syntax.comparison_chain": Label(
        "Split it: `a < b and b < c`.",
        "请拆开写：`a < b 且 b < c`。",
        (_R + "if 1 < x < 3 then block \"m\" end", _R + "if x = y = z then block \"m\" end",
         _R + "if a.b > 1 >= 2 then block \"m\" end", _RZ + "若 1 < x < 3 则 阻止 \"m\" 结束")),
    "dsl.syntax.duration_needs_unit": Label(
        "Give the duration a unit: 100ms, 15m, 2h or 3d.",
        "请给时长加上单位：100ms、15m、2h 或 3d。",
        (_R + "if no a.b within 48 then block \"m\" end",
         _R + "if no a.b within x then block \"m\" end",
         _R + "if x > 1 for 10 then block \"m\" end", _R + "then reserve a for 2 end",
         _R + "then reserve a for x end", _RZ + "若 没有 a.b 在 48 内 则 阻止 \"m\" 结束",
         _R + "if count(a.b) >= 3 within 100 then block \"m\" end")),
    "dsl.syntax.missing_recipient": Label(
        "Name who is told, such as `role:sales_manager` or `user:zhang_san`.",
        "请写明接收人，如 `角色:sales_manager` 或 `用户:zhang_san`。",
        (_R + "then alert \"m\" end", _R + "then notify \"m\" end", _R + "then alert sales end",
         _RZ + "则 预警 \"m\" 结束", _RZ + "则 通知 \"m\" 结束", _R + "then notify role \"m\" end",
         _R + "then alert role sales end")),
    "dsl.syntax.missing_message": Label(
        "Add the message in double quotes, such as \"订单 {{order.no}} 超时\".",
        "请加上双引号中的消息，如 \"订单 {{order.no}} 超时\"。",
        (_R + "then alert role:a end", _R + "then notify role:a, role:b end",
         _R + "then block end", _RZ + "则 预警 角色:a 结束", _RZ + "则 阻止 结束",
         _R + "then block x end", _R + "then alert role:a freeze customer end")),
    "dsl.syntax.missing_freeze_kind": Label(
        "Name the kind before {found}, as in `freeze customer order.customer_id`.",
        "请在 {found} 之前写明对象类别，如 `冻结 客户 order.customer_id`。",
        (_R + "then freeze order.customer_id end", _R + "then unfreeze x end",
         _R + "then freeze end", _RZ + "则 冻结 order.customer_id 结束",
         _RZ + "则 解冻 x 结束")),
    "dsl.syntax.missing_set_value": Label(
        "Write `to` between the field and the value (not {found}).",
        "请在字段与值之间写 `为`（而不是 {found}）。",
        (_R + "then set a.b = 1 end", _R + "then set a.b 1 end", _RZ + "则 设置 a.b = 1 结束",
         _RZ + "则 设置 a.b 1 结束", _R + "then set a.b end")),
    "dsl.syntax.table_header": Label(
        "Write the header in order: `hit first|collect`, `inputs …`, `outputs …`.",
        "请按顺序写表头：`命中 首条|全部`、`输入 …`、`输出 …`。",
        ("table t when a.b inputs x", "table t when a.b hit first outputs y",
         "table t when a.b hit first inputs x row", "table t when a.b hit x",
         "决策表 甲 当 a.b 输入 x", "决策表 甲 当 a.b 命中 首条 输出 y",
         "table t when a.b hit first inputs x outputs y end",
         "决策表 甲 当 a.b 命中 首条 输入 x 输出 y 结束")),
    "dsl.syntax.row_needs_arrow": Label(
        "Separate the input cells from the outputs with `->`.",
        "请用 `->` 分隔输入单元格与输出值。",
        ("table t when a.b hit first inputs x outputs y row 1, 2 end",
         "table t when a.b hit first inputs x outputs y row 1 2",
         "table t when a.b hit first inputs x outputs y row any end",
         "table t when a.b hit first inputs x outputs y row \"a\" end",
         "决策表 甲 当 a.b 命中 首条 输入 x 输出 y 行 1 结束",
         "决策表 甲 当 a.b 命中 首条 输入 x 输出 y 行 任意 结束")),
    "dsl.syntax.bad_assignment": Label(
        "Write fields as `name = value`, separated by commas.",
        "字段请写作 `名称 = 值`，用逗号分隔。",
        (_R + "then emit event a.b (c) end", _R + "then emit event a.b (c: 1) end",
         _R + "then create document d (c 1) end", _RZ + "则 发出事件 a.b (c) 结束")),
}
