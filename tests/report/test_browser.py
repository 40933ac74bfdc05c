"""The HTML proofs as a browser lays them out: headless Chromium, when it is installed.

Each proof is loaded with a measuring script appended (the proofs themselves
have no scripts); the script reads the laid-out page (rendered text, the
boxes of superscripts, subscripts, fractions and matrix cells) and writes
what it found into the page, which ``--dump-dom`` returns.  Set
``EXACTOPEN_SCREENSHOTS=DIR`` to also save a 1200 x 2000 screenshot of each
proof in DIR, to look at.
"""

import json
import os
import pathlib
import re
import shutil
import subprocess

import pytest

from exactopen.report import explain, render_html

ROOT = pathlib.Path(__file__).resolve().parents[2] / "certificates"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="headless Chromium is not installed (on Debian: apt-get install -y "
    "chromium); the HTML structure tests in test_explain.py still ran")

PROOFS = ("paper-example-open-in-range", "theorem8-square-2-1-1-2", "weighted-minimum-3-2-1-3")
#: A desktop window, and the narrowest window Chromium opens (a phone held upright).
WIDTHS = (1200, 500)
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars")

MEASURE = r"""<script>
(function () {
  const box = e => e.getBoundingClientRect();
  function before(el) {            // the box of the character just before an element
    let n = el.previousSibling;
    while (n && n.nodeType === 1 && (n.tagName === 'SUB' || n.tagName === 'SUP')) n = n.previousSibling;
    if (!n || !n.textContent.length) return null;
    const r = document.createRange();
    if (n.nodeType === 3) { r.setStart(n, n.length - 1); r.setEnd(n, n.length); }
    else r.selectNodeContents(n);
    const rects = r.getClientRects();
    return rects.length ? rects[rects.length - 1] : null;
  }
  const out = {text: document.body.innerText.replace(/\u00a0/g, ' '), sup: [0, 0], sub: [0, 0], matrices: [],
               fractions: [0, 0], overflow: [], pageWidth: document.documentElement.scrollWidth,
               windowWidth: window.innerWidth};
  for (const [tag, key] of [['sup', 'sup'], ['sub', 'sub']]) {
    for (const el of document.querySelectorAll('.exactopen-proof ' + tag)) {
      const b = before(el), s = box(el);
      if (!b) continue;
      const ok = tag === 'sup' ? s.bottom < b.bottom - 1 && s.top < b.top
                               : s.bottom > b.bottom && s.top > b.top + 1;
      out[key][ok ? 0 : 1] += 1;
    }
  }
  for (const t of document.querySelectorAll('mtable.m')) {
    const rows = [...t.querySelectorAll(':scope > mtr')].map(r => [...r.querySelectorAll(':scope > mtd')]);
    const cells = rows.map(r => r.map(c => box(c)));
    const centre = r => [(r.left + r.right) / 2, (r.top + r.bottom) / 2];
    let aligned = true;
    cells.forEach(r => r.forEach((c, j) => {
      if (Math.abs(centre(c)[1] - centre(r[0])[1]) > 1) aligned = false;        // rows level
      if (Math.abs(centre(c)[0] - centre(cells[0][j])[0]) > 1) aligned = false; // columns centred
    }));
    const style = getComputedStyle(t), b = box(t);
    const first = cells[0][0], last = cells[cells.length - 1][cells[0].length - 1];
    out.matrices.push({
      entries: rows.map(r => r.map(c => c.textContent)),
      aligned: aligned, width: b.width, height: b.height,
      brackets: parseFloat(style.borderLeftWidth) > 0 && parseFloat(style.borderRightWidth) > 0,
      enclosed: b.left < first.left && b.right > last.right && b.top <= first.top && b.bottom >= last.bottom
    });
  }
  out.subsup = [0, 0];             // W2^T: the superscript stands above the subscript
  for (const el of document.querySelectorAll('.subsup')) {
    const [p, q] = [el.querySelector('sup'), el.querySelector('sub')].map(box), b = before(el);
    const mid = r => (r.top + r.bottom) / 2;
    out.subsup[p.bottom <= q.top + 1 && Math.abs(p.left - q.left) < 1 && b &&
               mid(p) < mid(b) - 2 && mid(q) > mid(b) + 2 ? 0 : 1] += 1;
  }
  for (const f of document.querySelectorAll('mfrac')) {
    const [p, q] = [...f.children].map(box);
    out.fractions[p.bottom <= q.top + 0.5 && Math.abs((p.left + p.right) - (q.left + q.right)) < 2 ? 0 : 1] += 1;
  }
  for (const el of document.querySelectorAll('.item, p, h1, h2')) {
    if (el.scrollWidth > el.clientWidth + 1) out.overflow.push(el.textContent.slice(0, 60));
  }
  const pre = document.createElement('pre');
  pre.id = 'layout-report';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>"""


@pytest.fixture(scope="module")
def layouts(tmp_path_factory):
    """What Chromium laid out for each proof and window width, measured by :data:`MEASURE`
    (the browsers run in parallel)."""
    tmp = tmp_path_factory.mktemp("browser")
    runs = {}
    for name in PROOFS:
        html = render_html(explain((ROOT / f"{name}.json").read_text()))
        page = tmp / f"{name}.html"
        page.write_text(html.replace("</body>", MEASURE + "</body>"))
        for width in WIDTHS:
            profile = tmp / f"profile-{name}-{width}"
            runs[name, width] = subprocess.Popen(
                [CHROMIUM, *FLAGS, f"--window-size={width},2000", f"--user-data-dir={profile}",
                 "--dump-dom", page.as_uri()], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                text=True)
    out = {}
    for key, run in runs.items():
        dom, _ = run.communicate(timeout=120)
        found = re.search(r'<pre id="layout-report">(.*?)</pre>', dom, re.S)
        assert found, f"{key}: Chromium returned no measured page:\n{dom[:500]}"
        out[key] = json.loads(found.group(1).replace("&lt;", "<").replace("&gt;", ">")
                              .replace("&quot;", '"').replace("&amp;", "&"))
    shots = os.environ.get("EXACTOPEN_SCREENSHOTS")
    if shots:
        os.makedirs(shots, exist_ok=True)
        for name in PROOFS:
            page = tmp / f"{name}-plain.html"
            page.write_text(render_html(explain((ROOT / f"{name}.json").read_text())))
            profile = tmp / f"profile-shot-{name}"
            subprocess.run([CHROMIUM, *FLAGS, "--window-size=1200,2000",
                            f"--user-data-dir={profile}",
                            f"--screenshot={os.path.join(shots, name + '.png')}", page.as_uri()],
                           capture_output=True, timeout=120)
    return out


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PROOFS)
def test_typeset_layout(layouts, name, width):
    """Scripts raised and lowered (never wrapped away from their base), fractions stacked,
    matrices bracketed with aligned cells, nothing wider than its box or the window."""
    page = layouts[name, width]
    assert page["sup"][0] > 0 and page["sup"][1] == 0, page["sup"]
    assert page["sub"][0] > 0 and page["sub"][1] == 0, page["sub"]
    assert page["fractions"][1] == 0, page["fractions"]
    assert page["subsup"][1] == 0, page["subsup"]
    assert page["matrices"]
    for m in page["matrices"]:
        assert m["brackets"] and m["enclosed"] and m["aligned"], m
        assert m["width"] > 0 and m["height"] > 0, m
    assert page["pageWidth"] <= page["windowWidth"], "the page scrolls sideways"
    assert not page["overflow"], page["overflow"]
    assert "Verified facts" in page["text"] and "Why the verdict follows" in page["text"]


def _matrices(page):
    return [m["entries"] for m in page["matrices"]]


def test_theorem8_refutation_reads_right(layouts):
    page = layouts["theorem8-square-2-1-1-2", 1200]
    text = page["text"]
    # the descent polynomial with its exponents (innerText reads a superscript inline)
    assert "L(W(t)) − L(W) = −3/8 t4 + 1/4 t6 + 1/8 t8" in text
    assert "Hence the verdict: not-a-local-minimum." in text
    assert "3/16 ≤ 3/16" in text
    found = _matrices(page)
    # the claim's layers and data, the better point, and the curve W(t) computed by the report
    for entries in ([["1", "0"]], [["0"]], [["1"], ["0"]], [["0", "0"], ["0", "1"]],
                    [["1", "t"]], [["12t2"]], [["1"], ["t"]]):
        assert entries in found, entries
    assert found.count([["1", "1"], ["1", "1"]]) == 1  # the weights


def test_theorem2_open_reads_right(layouts):
    page = layouts["paper-example-open-in-range", 1200]
    text = page["text"]
    assert "k = 1 < 2 = min(2, 2)" in text and "rank ≤ k = 1" in text
    assert page["subsup"][0] >= 2  # W2^T in step 2
    assert "(v) true. Hence the verdict: locally-open." in text
    found = _matrices(page)
    assert [["1"], ["2"]] in found and [["1", "1"]] in found
    assert [["1", "1"], ["2", "2"]] in found          # the product W1 W2, computed
    assert [["−1"], ["1"]] in found                    # its kernel K


def test_weighted_minimum_reads_right(layouts):
    page = layouts["weighted-minimum-3-2-1-3", 1200]
    text = page["text"]
    assert "r = min" in text and "= 1" in text and "rank-r" not in text
    assert "L(Wbetter) = 1/2 < 2 = L(W)" in text
    assert "non-global-local-minimum" in text
    found = _matrices(page)
    assert [["1", "3", "1"], ["3", "1", "1"], ["1", "1", "1"]] in found  # the weights
    assert [["1", "0", "0", "0", "0"], ["0", "3", "0", "−2", "0"], ["0", "0", "1", "0", "0"],
            ["0", "−2", "0", "3", "0"], ["0", "0", "0", "0", "1"]] in found  # chart Hessian
