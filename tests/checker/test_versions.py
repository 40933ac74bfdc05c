"""Version 1 certificates (the gallery as it was before version 2) still verify.

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


@pytest.mark.parametrize("path", VERSION1, ids=[p.stem for p in VERSION1])
def test_version_1_certificates_still_verify(path):
    assert check_file(str(path)) == (0, "VERIFIED")


def test_a_version_1_certificate_is_still_checked():
    doc = json.loads((pathlib.Path(__file__).parent / "version1" / "rank-mismatch.json").read_text())
    wrong = copy.deepcopy(doc)
    wrong["verdict"] = "locally-open"
    assert check_text(json.dumps(wrong))[0] == 1
    unknown = copy.deepcopy(doc)
    unknown["version"] = 3
    code, message = check_text(json.dumps(unknown))
    assert code == 2 and "reads versions 1, 2" in message
