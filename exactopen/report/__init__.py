"""Readable proofs: certificates rendered as Markdown or self-contained HTML.

:func:`explain` verifies a certificate and builds its proof document;
:func:`render_markdown` and :func:`render_html` (or :func:`render_fragment`,
one ``<div>`` for embedding) write it; :class:`Proof` does all of it and
shows itself in a notebook.
"""

from .explain import NotExplainable, explain
from .markdown import render_markdown
from .proof import Proof, output_format
from .typeset import render_fragment, render_html

__all__ = ["NotExplainable", "Proof", "explain", "output_format", "render_fragment",
           "render_html", "render_markdown"]
