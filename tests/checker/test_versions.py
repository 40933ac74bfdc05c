"""Version 1 certificates (the gallery as it was before version 2) still verify, but for
classify certificates, whose verdicts changed meaning: they are refused with a message.

Version 2 added the ``core`` rule, tensor references with ``claim.data`` and
factored witnesses; a version 1 document means what it meant.
"""

import copy
import json
import pathlib

import pytest

from exactopen.checker import check_file, check_text

VERSION1 = sorted((pathlib.Path(__file__).parent / "version1").glob("*.json"))


def test_the_fixtures_are_version_1():
    assert len(VERSION1) >= 10
    assert {json.loads(p.read_text())["version"] for p in VERSION1} == {1}


#: Version-1 kinds that are refused with a message instead: their verdicts changed meaning.
RETIRED = {"network-critical-point"}
READ = [p for p in VERSION1 if json.loads(p.read_text())["kind"] not in RETIRED]


@pytest.mark.parametrize("path", READ, ids=[p.stem for p in READ])
def test_version_1_certificates_still_verify(path):
    assert check_file(str(path)) == (0, "VERIFIED")


def test_retired_version_1_kinds_are_refused_with_a_clear_message():
    retired = [p for p in VERSION1 if p not in READ]
    assert retired
    for path in retired:
        code, message = check_file(str(path))
        assert code == 2 and "no longer read" in message and "exactopen classify" in message


def test_a_version_1_certificate_is_still_checked():
    doc = json.loads((pathlib.Path(__file__).parent / "version1" / "rank-mismatch.json").read_text())
    wrong = copy.deepcopy(doc)
    wrong["verdict"] = "locally-open"
    assert check_text(json.dumps(wrong))[0] == 1
    unknown = copy.deepcopy(doc)
    unknown["version"] = 3
    code, message = check_text(json.dumps(unknown))
    assert code == 2 and "reads versions 1, 2" in message
