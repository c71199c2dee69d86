"""Diagram text: Mermaid ``erDiagram`` (GitHub renders it) and Graphviz DOT."""

from __future__ import annotations

import html
import re

from .model import Diagram, Field

# Mermaid's crow's-foot ends: the left mark sits next to the left entity, the right one next to the right.
_MERMAID_LEFT = {"1": "||", "0..1": "|o", "*": "}o"}
_MERMAID_RIGHT = {"1": "||", "0..1": "o|", "*": "o{"}


def mermaid(diagram: Diagram) -> str:
    lines = ["erDiagram"]
    for box in diagram.boxes:
        lines.append(f"    {box.name} {{")
        for item in box.fields:
            lines.append("        " + _mermaid_field(item))
        lines.append("    }")
    for rel in diagram.relations:
        ends = f"{_MERMAID_LEFT[rel.left_card]}--{_MERMAID_RIGHT[rel.right_card]}"
        lines.append(f'    {rel.left} {ends} {rel.right} : "{_label(rel.left_attr, rel.right_attr)}"')
    for box in diagram.boxes:
        if box.base is not None:  # a subclass object is one base object; a base object is at most one of it
            lines.append(f'    {box.base} ||--o| {box.name} : "is a"')
    return "\n".join(lines) + "\n"


def _mermaid_field(item: Field) -> str:
    # a Mermaid type is one word (older renderers refuse parentheses): sizes go to the comment
    match = re.fullmatch(r"(\w+)(\(.*\))", item.type)
    type_, detail = (match[1], match[2]) if match else (item.type.replace(" ", "_"), "")
    text = f"{type_} {item.name}"
    if item.keys:
        text += " " + ", ".join(item.keys)
    comments = [detail] if detail else []
    if not item.required:
        comments.append("optional")
    if comments:
        text += f' "{"; ".join(comments)}"'
    return text


def _label(left_attr: str, right_attr: str | None) -> str:
    return left_attr if right_attr is None or right_attr == left_attr else f"{left_attr} / {right_attr}"


def dot(diagram: Diagram) -> str:
    lines = ["digraph entities {", '    graph [rankdir=LR, fontname="Helvetica"];',
             '    node [shape=plaintext, fontname="Helvetica", fontsize=11];',
             '    edge [fontname="Helvetica", fontsize=10, color="#555555"];']
    for box in diagram.boxes:
        lines.append(f"    {_dot_id(box.name)} [label=<{_dot_table(box.name, box.fields)}>];")
    for rel in diagram.relations:
        label = html.escape(_label(rel.left_attr, rel.right_attr))
        lines.append(f'    {_dot_id(rel.left)} -> {_dot_id(rel.right)} [dir=none, taillabel="{rel.left_card}", '
                     f'headlabel="{rel.right_card}", label="{label}"];')
    for box in diagram.boxes:
        if box.base is not None:
            lines.append(f'    {_dot_id(box.name)} -> {_dot_id(box.base)} [arrowhead=empty, style=dashed, '
                         'label="is a"];')
    return "\n".join(lines) + "\n}\n"


def _dot_id(name: str) -> str:
    return '"' + name.replace('"', '\\"') + '"'


def _dot_table(name: str, fields: list[Field]) -> str:
    rows = [f'<TR><TD BGCOLOR="#dbe8f6"><B>{html.escape(name)}</B></TD></TR>']
    for item in fields:
        keys = f" <I>{', '.join(item.keys)}</I>" if item.keys else ""
        optional = "?" if not item.required else ""
        text = f"{html.escape(item.name)}: {html.escape(item.type)}{optional}{keys}"
        rows.append(f'<TR><TD ALIGN="LEFT">{text}</TD></TR>')
    return '<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4">' + "".join(rows) + "</TABLE>"
