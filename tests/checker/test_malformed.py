"""The adversarial corpus: every forged or malformed certificate gets exactly its exit code.

Files are ``malformed/<exit>-<class>-<what>.json`` (written by
``malformed/make_corpus.py``); ``malformed/manifest.json`` gives a fragment the
message must contain, so that a forgery is refused for the reason it tests (a
claim forgery must not be caught by a stale digest instead).  Each file goes
through ``exactopen verify`` (exactopen.cli.main), with and without the
accelerator.  Cases the checker still gets wrong are in ``malformed/pending/``
and run by test_found_defects.py.
"""

import json
import pathlib
import time

import pytest

from exactopen.cli import main

HERE = pathlib.Path(__file__).resolve().parent / "malformed"
MANIFEST = json.loads((HERE / "manifest.json").read_text())
CORPUS = sorted(HERE.glob("[0-9]-*.json"))
CLASSES = ("claim", "kernel", "index", "bomb", "parser", "structure")
#: How each exit code's message begins (docs/certificate-format.md, section 6).
PREFIX = {0: "VERIFIED", 1: "NOT VERIFIED: step ", 2: "NOT VERIFIED: malformed: ",
          3: "NOT VERIFIED: resource cap: "}
#: A resource bomb must be refused within this many seconds (issue 11's acceptance).
BOMB_SECONDS = 5.0


def _code_and_class(path):
    code, cls = path.name.split("-")[:2]
    return int(code), cls


def _verify(path, capsys, *flags):
    start = time.perf_counter()
    code = main(["verify", *flags, str(path)])
    elapsed = time.perf_counter() - start
    return code, capsys.readouterr().out.strip(), elapsed


def _mismatch(path, code, out):
    want, _ = _code_and_class(path)
    fragment = MANIFEST[path.stem]["message"]
    if code != want:
        return f"{path.name}: exit {code}, expected {want}: {out[:200]}"
    if not out.startswith(PREFIX[want]) or (want == 0 and out != "VERIFIED"):
        return f"{path.name}: message of the wrong kind: {out[:200]}"
    if "could not be checked" in out:
        return f"{path.name}: the checker crashed: {out[:200]}"
    if fragment not in out:
        return f"{path.name}: message lacks {fragment!r}: {out[:200]}"
    return None


def test_manifest_lists_exactly_the_files():
    listed = {name for name, entry in MANIFEST.items() if not entry["pending"]}
    assert listed == {p.stem for p in CORPUS}
    pending = {name for name, entry in MANIFEST.items() if entry["pending"]}
    assert pending == {p.stem for p in (HERE / "pending").glob("[0-9]-*.json")}


def test_every_class_is_populated():
    counts = {cls: 0 for cls in CLASSES}
    for path in CORPUS:
        counts[_code_and_class(path)[1]] += 1
    assert set(counts) == set(CLASSES), counts
    assert all(n >= 10 for n in counts.values()), counts
    assert len(CORPUS) >= 200


@pytest.mark.parametrize("cls", CLASSES)
def test_corpus_class(cls, capsys):
    """Exactly the named exit code and a message of the right kind, for every file."""
    failures = []
    for path in CORPUS:
        if _code_and_class(path)[1] == cls:
            code, out, _ = _verify(path, capsys)
            failures.append(_mismatch(path, code, out))
    failures = [f for f in failures if f]
    assert not failures, "\n".join(failures)


def test_whole_corpus_run_time_and_bombs(capsys):
    """The whole corpus on the standard-library path: each bomb refused within seconds."""
    start, slow = time.perf_counter(), []
    for path in CORPUS:
        code, out, elapsed = _verify(path, capsys, "--plain")
        assert not _mismatch(path, code, out), _mismatch(path, code, out)
        if _code_and_class(path)[1] == "bomb" and elapsed > BOMB_SECONDS:
            slow.append(f"{path.name}: {elapsed:.1f} s")
    total = time.perf_counter() - start
    assert not slow, "bombs refused too slowly: " + ", ".join(slow)
    assert total < 60, f"the corpus took {total:.1f} s"


def test_claim_forgeries_recompute_the_digest():
    """A claim forgery must reach the field it forges: the digest matches (one file aside)."""
    from exactopen.checker.spec import claim_digest

    for path in CORPUS:
        code, cls = _code_and_class(path)
        if cls != "claim" or path.stem == "1-claim-digest-not-recomputed":
            continue
        doc = json.loads(path.read_text())
        if isinstance(doc.get("claim"), dict) and isinstance(doc.get("claim_sha256"), str):
            assert doc["claim_sha256"] == claim_digest(doc["claim"]), path.name


def test_unreadable_file_is_malformed(tmp_path, capsys):
    assert main(["verify", str(tmp_path / "missing.json")]) == 2
    assert "cannot read" in capsys.readouterr().out
