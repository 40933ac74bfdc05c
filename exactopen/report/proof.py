"""A verified certificate as an object a notebook shows as a readable proof."""

from __future__ import annotations

import json
import os

from .explain import explain
from .markdown import render_markdown
from .typeset import render_fragment, render_html


def output_format(explicit: str | None, path: str | None) -> str:
    """``"html"`` or ``"md"``: an explicit choice wins, else the output file's extension
    (``.html``/``.htm`` -> HTML, anything else -> Markdown).

    >>> output_format(None, "proof.HTML"), output_format(None, "proof.md")
    ('html', 'md')
    >>> output_format("md", "proof.htm"), output_format(None, None)
    ('md', 'md')
    """
    if explicit:
        return explicit
    ext = os.path.splitext(path or "")[1].lower()
    return "html" if ext in (".html", ".htm") else "md"


class Proof:
    """A certificate, verified on construction, as a proof in Markdown or HTML.

    ``certificate`` is the certificate's JSON text, the certificate as a dict
    (as the ``exactopen.certify`` functions return it), or a path to a
    certificate file (a ``pathlib.Path``, or a string that is not JSON text).
    ``data`` is the content (bytes) or the path of the data file a claim names.  Construction runs the independent checker and raises
    :class:`~exactopen.report.NotExplainable` unless the certificate verifies;
    ``accelerator`` and ``data`` are handed to it.  In a Jupyter notebook a
    ``Proof`` displays itself as the typeset HTML proof (``_repr_html_``) or,
    where only Markdown is shown, as Markdown (``_repr_markdown_``).
    """

    def __init__(self, certificate, accelerator=None, data=None):
        if isinstance(certificate, dict):
            text = json.dumps(certificate)
        elif isinstance(certificate, os.PathLike) or (
                isinstance(certificate, str) and not certificate.lstrip().startswith("{")):
            with open(certificate, encoding="utf-8-sig") as f:
                text = f.read()
        elif isinstance(certificate, str):
            text = certificate
        else:
            raise TypeError("expected a certificate's JSON text, a dict or a path, "
                            f"not {type(certificate).__name__}")
        if isinstance(data, (str, os.PathLike)):
            with open(data, "rb") as f:
                data = f.read()
        self.blocks = explain(text, accelerator, data)
        doc = json.loads(text)
        self.kind, self.verdict = doc["kind"], doc["verdict"]

    def markdown(self) -> str:
        """The proof as plain Markdown text (as ``exactopen explain`` prints it)."""
        return render_markdown(self.blocks)

    def html(self) -> str:
        """The proof as one self-contained HTML page."""
        return render_html(self.blocks)

    def _repr_markdown_(self) -> str:
        return render_markdown(self.blocks, escape=True)

    def _repr_html_(self) -> str:
        return render_fragment(self.blocks)

    def __str__(self) -> str:
        return self.markdown()

    def __repr__(self) -> str:
        return f"<Proof of {self.kind}: {self.verdict}, VERIFIED>"
