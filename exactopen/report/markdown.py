"""A proof document as Markdown: plain text, matrices as indented blocks."""

from __future__ import annotations

import re

from .text import format_polynomial


def _entry(x) -> str:
    return format_polynomial(x) if isinstance(x, tuple) else x


def _matrix_lines(rows) -> str:
    if not rows or not rows[0]:
        return "    (empty)"
    cells = [[_entry(x) for x in r] for r in rows]
    widths = [max(len(r[j]) for r in cells) for j in range(len(cells[0]))]
    return "\n".join("    [ " + "  ".join(x.rjust(w) for x, w in zip(r, widths)) + " ]"
                     for r in cells)


def _value(label, value, note) -> list[tuple[str, str]]:
    """Lines ``(heading, indented matrix or "")`` of one displayed item."""
    aside = f"; {note}" if note else ""
    if value[0] == "mat":
        _, rows, (m, n) = value
        return [(f"{label} ({m} x {n}{aside}):", _matrix_lines(rows))]
    if value[0] == "summary":
        return [(f"{label}: {value[1]}{aside}.", "")]
    out = []
    for i, part in enumerate(value[1]):
        out += _value(f"{label}, layer {i + 1}", part, note if i == 0 else "")
    return out


_SPECIAL = re.compile(r"([\\*_`\[\]<>#|])")


def render_markdown(blocks, escape: bool = False) -> str:
    """Markdown text of a document; ``escape`` backslash-escapes the characters Markdown would
    read as markup (``*``, ``_``, brackets, ...) in the prose, for a Markdown renderer."""
    def t(text):
        return _SPECIAL.sub(r"\\\1", text) if escape else text

    out = []
    for block in blocks:
        kind = block[0]
        if kind == "h1":
            out.append(f"# {t(block[1])}\n")
        elif kind == "h2":
            out.append(f"## {t(block[1])}\n")
        elif kind == "p":
            out.append(t(block[1]) + "\n")
        elif kind == "ul":
            out.append("\n".join(f"- {t(item)}" for item in block[1]) + "\n")
        elif kind == "display":
            for label, value, note in block[1]:
                out += [t(head) + (f"\n\n{body}\n" if body else "\n")
                        for head, body in _value(label, value, note)]
        else:
            raise ValueError(f"unknown block {kind!r}")
    return "\n".join(out)

