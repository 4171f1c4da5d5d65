"""The PDF audit report of a lineage (Chinese and English), and its JSON twin.

reportlab's built-in ``STSong-Light`` CID font draws Chinese without a font file (the
viewer supplies the glyphs), so the report needs nothing installed beyond reportlab.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

import networkx as nx
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

_FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(_FONT))
_TITLE = ParagraphStyle("title", fontName=_FONT, fontSize=16, leading=22)
_BODY = ParagraphStyle("body", fontName=_FONT, fontSize=9.5, leading=14, wordWrap="CJK")
_KIND_ZH = {"event": "事件", "rule_version": "规则版本", "rule": "规则", "action": "动作",
            "ledger_entry": "库存流水", "alert": "预警", "notify": "通知"}


def describe(attrs: dict[str, Any]) -> str:
    """One line for a node, in Chinese with the English identifiers."""
    kind = attrs.get("kind", "")
    label = _KIND_ZH.get(kind, kind)
    if kind == "event":
        return (f"{label} {attrs['type']}  id={attrs['event_id']}  时间 {attrs['occurred_at']}"
                + (f"  单据 {attrs['document']}" if attrs.get("document") else ""))
    if kind == "rule_version":
        return f"{label} {attrs['version']}"
    if kind == "rule":
        return f"{label} {attrs['rule_id']}"
    if kind == "action":
        return f"{label} {attrs['node_id']}"
    if kind == "ledger_entry":
        return (f"{label} #{attrs['entry_id']}  {attrs['sku']} @ {attrs['warehouse']}  "
                f"{attrs['bucket']} {attrs['qty']}  ({attrs['reason']})")
    return f"{label} {attrs.get('recipient', '')}: {attrs.get('message', '')}"


def audit_pdf(graph: nx.DiGraph, chain: list[str], title: str, tenant: str,
              generated_at: datetime) -> bytes:
    """A PDF with the chain (in order) and every other node of the graph."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm,
                            title=title, author="jxcflow")
    story: list[Any] = [
        Paragraph(escape(title), _TITLE), Spacer(1, 4 * mm),
        Paragraph(escape(f"企业 Tenant: {tenant}    生成时间 Generated: "
                         f"{generated_at.isoformat()}"), _BODY),
        Spacer(1, 4 * mm), Paragraph("追溯链 Chain (原始业务事件 → 库存变动):", _BODY)]
    for n, node in enumerate(chain, 1):
        story.append(Paragraph(escape(f"{n}. {describe(graph.nodes[node])}"), _BODY))
    rest = [n for n in graph.nodes if n not in set(chain)]
    if rest:
        story += [Spacer(1, 4 * mm), Paragraph("其他相关节点 Other nodes:", _BODY)]
        story += [Paragraph(escape("• " + describe(graph.nodes[n])), _BODY) for n in rest]
    doc.build(story)
    return buffer.getvalue()


def chain_json(graph: nx.DiGraph, chain: list[str]) -> list[dict[str, Any]]:
    """The chain as a list of node attribute dicts, in order."""
    return [{"node": n, **graph.nodes[n]} for n in chain]
