"""The catalogue of error codes: a stable dotted slug, its kind, and zh-CN/en templates.

Codes "will change rarely or never" (as pydantic's error types); the messages may improve.
Templates are ``str.format`` strings over the error's ``context``; ``EXAMPLE_CONTEXT``
fills every field so the catalogue test can render each template.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

ErrorKind = Literal["syntax", "name", "type", "limit", "check"]


@dataclass(frozen=True, slots=True)
class ErrorSpec:
    """One error code with its kind and message templates."""

    code: str
    kind: ErrorKind
    template_en: str
    template_zh: str


_SPECS: tuple[ErrorSpec, ...] = (
    # ---- syntax: the text does not follow the grammar -----------------------------
    ErrorSpec("dsl.syntax.unexpected_token", "syntax",
              "Unexpected {found_desc}; expected {expected}.",
              "此处不应出现{found_desc_zh}；应为{expected_zh}。"),
    ErrorSpec("dsl.syntax.unexpected_character", "syntax",
              "Unexpected character `{found}`; expected {expected}.",
              "无法识别的字符 `{found}`；应为{expected_zh}。"),
    ErrorSpec("dsl.syntax.unexpected_end", "syntax",
              "The text ends too early; expected {expected}.",
              "文本提前结束；应为{expected_zh}。"),
    ErrorSpec("dsl.syntax.missing_when", "syntax",
              "A rule needs its trigger right after its name: `when <event type>`.",
              "规则名之后须写触发事件：`当 <事件类型>`。"),
    ErrorSpec("dsl.syntax.missing_then", "syntax",
              "The condition must be followed by `then` and the actions.",
              "条件之后须写 `则` 和动作。"),
    ErrorSpec("dsl.syntax.missing_end", "syntax",
              "The rule is not closed: add `end` after its last action.",
              "规则没有结束：请在最后一个动作后写 `结束`。"),
    ErrorSpec("dsl.syntax.missing_branch_end", "syntax",
              "An `if` inside then/else is not closed: it needs its own `end` after its last "
              "action.",
              "则/否则 中的 `若` 没有结束：须在其最后一个动作之后写它自己的 `结束`。"),
    ErrorSpec("dsl.syntax.missing_action", "syntax",
              "`then` and `else` must be followed by at least one action such as {actions}.",
              "`则` 与 `否则` 之后至少要有一个动作，如 {actions_zh}。"),
    ErrorSpec("dsl.syntax.missing_condition", "syntax",
              "`if` must be followed by a condition.",
              "`若` 之后须写条件。"),
    ErrorSpec("dsl.syntax.missing_name", "syntax",
              "A rule, guard or table needs a name right after its keyword.",
              "规则、守卫或决策表的关键字之后须写名称。"),
    ErrorSpec("dsl.syntax.missing_operand", "syntax",
              "An operator is missing its right-hand value.",
              "运算符右侧缺少值。"),
    ErrorSpec("dsl.syntax.unclosed_bracket", "syntax",
              "A parenthesis or bracket is not closed.",
              "括号没有闭合。"),
    ErrorSpec("dsl.syntax.comparison_chain", "syntax",
              "Comparisons cannot be chained; join them with `and`.",
              "比较不能连写；请用 `且` 连接。"),
    ErrorSpec("dsl.syntax.duration_needs_unit", "syntax",
              "A window or hold needs a duration with its unit, such as 100ms, 15m, 2h or 3d.",
              "时间窗口须写带单位的时长，如 100ms、15m、2h、3d。"),
    ErrorSpec("dsl.syntax.missing_recipient", "syntax",
              "`alert` and `notify` need recipients such as `role:sales_manager`.",
              "`预警` 与 `通知` 须写接收人，如 `角色:sales_manager`。"),
    ErrorSpec("dsl.syntax.missing_message", "syntax",
              "`alert`, `notify` and `block` need a message in double quotes.",
              "`预警`、`通知` 与 `阻止` 须写带双引号的消息。"),
    ErrorSpec("dsl.syntax.missing_freeze_kind", "syntax",
              "Say what to freeze: customer, receipt, channel, lot, item, supplier or location.",
              "请写明冻结对象：客户、入库单、渠道、批次、商品、供应商或库位。"),
    ErrorSpec("dsl.syntax.missing_set_value", "syntax",
              "Write `set <field> to <value>`.",
              "请写 `设置 <字段> 为 <值>`。"),
    ErrorSpec("dsl.syntax.table_header", "syntax",
              "A decision table needs, in order: `hit first|collect`, `inputs …`, `outputs …`, "
              "then its rows.",
              "决策表须依次写：`命中 首条|全部`、`输入 …`、`输出 …`，然后是各行。"),
    ErrorSpec("dsl.syntax.row_needs_arrow", "syntax",
              "A table row needs `->` between its input cells and its output values.",
              "决策表的行须在输入单元格与输出值之间写 `->`。"),
    ErrorSpec("dsl.syntax.unterminated_string", "syntax",
              "A string is not closed: end it with `\"` on the same line.",
              "字符串没有闭合：请在同一行用 `\"` 结束。"),
    ErrorSpec("dsl.syntax.bad_literal", "syntax",
              "`{found}` is not a valid {literal}.",
              "`{found}` 不是有效的{literal_zh}。"),
    ErrorSpec("dsl.syntax.bad_template", "syntax",
              "The placeholder `{found}` must be a field path in braces, such as {{order.no}}; "
              "write {{{{ and }}}} for literal braces.",
              "占位符 `{found}` 须是花括号中的字段路径，如 {{order.no}}；"
              "字面花括号写作 {{{{ 与 }}}}。"),
    ErrorSpec("dsl.syntax.within_needs_count", "syntax",
              "`within` after a comparison needs `count(<event type>)` on its left, "
              "as in `count(scanner.scanned) >= 3 within 100ms`.",
              "比较之后的 `在 … 内` 要求左侧为 `计数(<事件类型>)`，"
              "如 `计数(scanner.scanned) >= 3 在 100ms 内`。"),
    ErrorSpec("dsl.syntax.bad_assignment", "syntax",
              "Fields in parentheses are written `name = value`.",
              "括号中的字段须写作 `名称 = 值`。"),
    # ---- limits: input too big for the editor and the engine ----------------------
    ErrorSpec("dsl.limit.too_large", "limit",
              "The rule text has {size} characters; the limit is {limit}.",
              "规则文本有 {size} 个字符，上限为 {limit}。"),
    ErrorSpec("dsl.limit.too_deep", "limit",
              "An expression is nested more than {limit} levels deep.",
              "表达式嵌套超过 {limit} 层。"),
    ErrorSpec("dsl.limit.branch_too_deep", "limit",
              "This `if` is nested inside more than {limit} levels of then/else branches.",
              "此处的 `若` 嵌套在超过 {limit} 层的 则/否则 分支之中。"),
    # ---- names: something is not in the schema or the built-ins -------------------
    ErrorSpec("dsl.name.unknown_event", "name",
              "There is no event type `{name}`.",
              "没有事件类型 `{name}`。"),
    ErrorSpec("dsl.name.unknown_field", "name",
              "`{name}` is not a field available on event `{event}`.",
              "`{name}` 不是事件 `{event}` 中可用的字段。"),
    ErrorSpec("dsl.name.no_source", "name",
              "`{name}` on event `{event}` has no source: neither the event's payload nor a "
              "fact loader fills it, so a rule would always read it empty.",
              "事件 `{event}` 的字段 `{name}` 没有来源：事件数据和事实加载器都不提供它，"
              "规则读到的永远是空值。"),
    ErrorSpec("dsl.name.unknown_function", "name",
              "`{name}` is not a built-in function; the functions are {functions}.",
              "`{name}` 不是内置函数；可用函数为 {functions}。"),
    ErrorSpec("dsl.name.unknown_document", "name",
              "There is no document type `{name}`.",
              "没有单据类型 `{name}`。"),
    ErrorSpec("dsl.name.unknown_document_field", "name",
              "Document type `{document}` has no field `{name}`.",
              "单据类型 `{document}` 没有字段 `{name}`。"),
    ErrorSpec("dsl.name.unknown_role", "name",
              "There is no role `{name}`.",
              "没有角色 `{name}`。"),
    ErrorSpec("dsl.name.unknown_connector", "name",
              "There is no outbound connector `{name}`.",
              "没有出站连接器 `{name}`。"),
    ErrorSpec("dsl.name.duplicate_rule", "name",
              "The name `{name}` is already used on line {first_line}.",
              "名称 `{name}` 已在第 {first_line} 行使用。"),
    # ---- types: the pieces do not fit together ------------------------------------
    ErrorSpec("dsl.type.mismatch", "type",
              "`{op}` cannot combine {left} with {right}.",
              "`{op}` 不能用于{left_zh}与{right_zh}。"),
    ErrorSpec("dsl.type.incomparable", "type",
              "{left} cannot be compared with {right}.",
              "{left_zh}不能与{right_zh}比较。"),
    ErrorSpec("dsl.type.unit_mismatch", "type",
              "{left} and {right} have different units.",
              "{left_zh}与{right_zh}的单位不同。"),
    ErrorSpec("dsl.type.not_orderable", "type",
              "`{op}` needs values with an order, but this is {actual}.",
              "`{op}` 需要可比较大小的值，此处为{actual_zh}。"),
    ErrorSpec("dsl.type.not_bool", "type",
              "A condition must be true or false, but this is {actual}.",
              "条件须为真或假，此处为{actual_zh}。"),
    ErrorSpec("dsl.type.bad_argument", "type",
              "Argument {index} of `{function}` must be {expected}, not {actual}.",
              "`{function}` 的第 {index} 个参数须为{expected_zh}，而不是{actual_zh}。"),
    ErrorSpec("dsl.type.argument_count", "type",
              "`{function}` takes {expected_count} argument(s), not {actual_count}.",
              "`{function}` 接受 {expected_count} 个参数，而不是 {actual_count} 个。"),
    ErrorSpec("dsl.type.action_argument", "type",
              "`{action}` needs {expected}, not {actual}.",
              "`{action}` 需要{expected_zh}，而不是{actual_zh}。"),
    ErrorSpec("dsl.type.enum_value", "type",
              "\"{value}\" is not one of {values}.",
              "\"{value}\" 不在可选值 {values} 之中。"),
    ErrorSpec("dsl.type.action_not_applied", "type",
              "`{action}` is not applied in production: {reason}.",
              "生产环境不会执行 `{action}`：{reason_zh}。"),
    ErrorSpec("dsl.type.block_outside_guard", "type",
              "`block` belongs in a guard; a rule reacts after the fact and cannot refuse.",
              "`阻止` 只能用于守卫；规则在事件之后执行，无法拒绝。"),
    ErrorSpec("dsl.type.guard_without_block", "type",
              "A guard must `block` with a message when its condition holds.",
              "守卫在条件成立时须 `阻止` 并给出消息。"),
    ErrorSpec("dsl.type.not_blockable", "type",
              "`{event}` has already happened and cannot be blocked; guards run on requests "
              "such as {examples}.",
              "`{event}` 已经发生，无法阻止；守卫只用于请求类事件，如 {examples}。"),
    ErrorSpec("dsl.type.correlation_key", "type",
              "`{key}` is not a field of both `{trigger}` and `{event}`, so it cannot match them.",
              "`{key}` 不同时是 `{trigger}` 与 `{event}` 的字段，无法关联两者。"),
    ErrorSpec("dsl.type.no_target", "type",
              "Event `{event}` has no {kind}; say which one, as in `freeze {kind} <id>`.",
              "事件 `{event}` 中没有{kind_zh}；请写明对象，如 `冻结 {kind_zh} <编号>`。"),
    ErrorSpec("dsl.type.table_shape", "type",
              "This row has {actual} {part}, but the table has {expected}.",
              "该行有 {actual} 个{part_zh}，而决策表定义了 {expected} 个。"),
    ErrorSpec("dsl.type.collect_needs_list", "type",
              "With `hit collect` every output collects values, so `{name}` must be a list field.",
              "`命中 全部` 时每个输出都收集多个值，`{name}` 须为列表字段。"),
    ErrorSpec("dsl.type.read_only", "type",
              "`{name}` cannot be changed by a rule.",
              "规则不能修改 `{name}`。"),
    ErrorSpec("dsl.type.time_clause_in_branch", "type",
              "A time clause (`within`, `for`) can only stand in the rule's own condition, "
              "not in an `if` inside then/else.",
              "时间条件（`在 … 内`、`持续`）只能写在规则本身的条件中，"
              "不能写在则/否则里的 `若` 中。"),
    ErrorSpec("dsl.type.branch_only_step", "type",
              "This `if` is the only step of a rule that has no condition of its own.",
              "该 `若` 是一条没有自身条件的规则中唯一的步骤。"),
    ErrorSpec("dsl.type.never_true", "type",
              "This condition can never hold here: `{first}` and `{second}` exclude each other.",
              "此处的条件永远不会成立：`{first}` 与 `{second}` 互相矛盾。"),
    ErrorSpec("dsl.type.always_true", "type",
              "This condition always holds here (`{first}` and `{second}`), so its else "
              "branch never runs.",
              "此处的条件总是成立（`{first}` 与 `{second}`），其否则分支永远不会执行。"),
    # ---- the sum of a file's problems ---------------------------------------------
    ErrorSpec("dsl.check_failed", "check",
              "Problems in the rules ({count}): {listing}",
              "规则中有 {count} 处问题：{listing_zh}"),
)

CATALOGUE: Final[dict[str, ErrorSpec]] = {s.code: s for s in _SPECS}

#: One value for every field any template uses (for the catalogue test and the docs).
EXAMPLE_CONTEXT: Final[dict[str, str]] = {
    "found": "wehn", "found_desc": "the name `wehn`", "found_desc_zh": "名称 `wehn`",
    "expected": "the keyword `when`/`当`", "expected_zh": "关键字 `when`/`当`",
    "actions": "`reserve`, `alert`", "actions_zh": "`预占`、`预警`", "literal": "date",
    "literal_zh": "日期", "size": "5000001", "limit": "4000000", "name": "order.depositt",
    "event": "sales_order.confirmed", "functions": "abs, min, max", "document": "purchase_order",
    "first_line": "3", "op": "+", "left": "money", "right": "a duration", "left_zh": "金额",
    "right_zh": "时长", "actual": "text", "actual_zh": "文本", "index": "1", "function": "abs",
    "expected_count": "1", "actual_count": "2", "action": "reserve", "value": "summr",
    "values": "spring, summer, autumn, winter", "examples": "stock.reserve_requested",
    "key": "order.id", "trigger": "sales_order.confirmed", "kind": "receipt", "kind_zh": "入库单",
    "part": "cells", "part_zh": "输入单元格", "count": "2", "first": "...", "first_zh": "...",
    "second": "x < 5",
    "reason": "no outbound connectors are set up", "reason_zh": "尚未配置出站连接器",
    "listing": "line 3, column 6: ...", "listing_zh": "第 3 行第 6 列: ...",
}


def spec(code: str) -> ErrorSpec:
    """Return the catalogue entry of ``code``.

    Raises:
        KeyError: the code is not in the catalogue.
    """
    return CATALOGUE[code]
