"""Write the fixed corpus of malformed certificates (run after a format change).

Each file is named ``<exit code>-<what>.json``; tests/checker/test_malformed.py runs
``exactopen verify`` on every one and expects that exit code.
"""

import copy
import json
import pathlib

HERE = pathlib.Path(__file__).resolve().parent
SOURCE = HERE.parents[2] / "certificates" / "paper-example-open-in-range.json"


def main():
    text = SOURCE.read_text()
    doc = json.loads(text)
    corpus = {}
    corpus["2-truncated"] = text[: len(text) // 2]
    corpus["2-empty"] = ""
    corpus["2-not-an-object"] = "[1, 2, 3]\n"

    def variant(name, change):
        d = copy.deepcopy(doc)
        change(d)
        corpus[name] = json.dumps(d, indent=1, sort_keys=True)

    variant("2-unknown-version", lambda d: d.update(version=3))
    variant("2-version-as-string", lambda d: d.update(version="2"))
    variant("2-wrong-format", lambda d: d.update(format="something-else"))
    variant("2-extra-top-field", lambda d: d.update(comment="hello"))
    variant("2-extra-step-field", lambda d: d["steps"][0].update(note="x"))
    variant("2-missing-steps", lambda d: d.pop("steps"))
    variant("2-unknown-kind", lambda d: d.update(kind="magic"))
    variant("2-unknown-rule", lambda d: d["steps"][0].update(rule="trust-me"))
    variant("2-wrong-shape-rows", lambda d: d["claim"]["W1"]["rows"].append(["1"]))
    variant("2-wrong-shape-entries", lambda d: d["claim"]["W2"]["rows"][0].append("1"))
    variant("2-shapes-do-not-chain", lambda d: d["claim"]["W2"].update(
        shape=[2, 1], rows=[["1"], ["1"]]))
    variant("2-non-canonical-fraction", lambda d: d["claim"]["W1"]["rows"][0].__setitem__(0, "2/2"))
    variant("2-non-canonical-plus", lambda d: d["claim"]["W1"]["rows"][0].__setitem__(0, "+1"))
    variant("2-leading-zero", lambda d: d["claim"]["W1"]["rows"][0].__setitem__(0, "01"))
    variant("2-number-not-string", lambda d: d["claim"]["W1"]["rows"][0].__setitem__(0, 1))
    variant("2-uses-later-step", lambda d: d["steps"][0].update(uses=[2]))
    variant("2-id-out-of-order", lambda d: d["steps"][0].update(id=5))
    variant("2-repeated-index", lambda d: d["steps"][0].update(rows=[0, 0]))
    variant("2-conditions-missing", lambda d: d.pop("conditions"))
    variant("3-huge-digit-string", lambda d: d["claim"]["W1"]["rows"][0].__setitem__(0, "9" * 25000))
    variant("3-huge-shape", lambda d: d["claim"]["W1"].update(shape=[200000, 1]))
    corpus["2-duplicate-keys"] = text.replace('"format":', '"verdict": "locally-open",\n "format":', 1)
    corpus["2-float"] = text.replace('"version": 2', '"version": 2.0', 1)
    corpus["2-nan"] = text.replace('"version": 2', '"version": NaN', 1)
    for name in list(HERE.glob("*.json")):
        name.unlink()
    for name, body in corpus.items():
        (HERE / f"{name}.json").write_text(body)


if __name__ == "__main__":
    main()
