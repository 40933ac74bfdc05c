"""Readable proofs: certificates rendered as Markdown or self-contained HTML."""

from .explain import NotExplainable, explain, render_html, render_markdown

__all__ = ["NotExplainable", "explain", "render_html", "render_markdown"]
