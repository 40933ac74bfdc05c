"""Every width vector with h in {3, 4} and widths 1..4: Theorem 8 certificates, verified.

    python bench/theorem8_sweep.py

For each width vector meeting the paper's condition and each valid p1 it
builds the paper's construction, certifies its true properties and the
descent curve, checks that the polynomial is -3/8 t^4 + 1/4 t^6 + 1/8 t^8,
and verifies the certificate with the independent checker. For each width
vector with a bottleneck it does the same for the weighted non-global minimum.
Prints the counts and the time; exits 1 if anything fails.
"""

from __future__ import annotations

import itertools
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from exactopen.certify.encode import dumps  # noqa: E402
from exactopen.certify.networks import (square_refutation_certificate,  # noqa: E402
                                        weighted_minimum_certificate)
from exactopen.checker import check_text  # noqa: E402
from exactopen.networks.theorem8 import (analyze_widths, paper_construction,  # noqa: E402
                                         weighted_minimum)

POLYNOMIAL = ["0", "0", "0", "0", "-3/8", "0", "1/4", "0", "1/8"]


def main() -> int:
    start = time.perf_counter()
    widths_square = cases_square = cases_weighted = failures = 0
    for h in (3, 4):
        for d in itertools.product(range(1, 5), repeat=h + 1):
            report = analyze_widths(d)
            if report.paper_condition:
                widths_square += 1
                for p1 in sorted({a for a, _ in report.pairs}):
                    cert = square_refutation_certificate(paper_construction(d, p1))
                    cases_square += 1
                    ok = (cert["steps"][-1]["coefficients"] == POLYNOMIAL
                          and cert["verdict"] == "not-a-local-minimum"
                          and check_text(dumps(cert)) == (0, "VERIFIED"))
                    failures += not ok
            if report.bottleneck is not None:
                cert = weighted_minimum_certificate(weighted_minimum(d))
                cases_weighted += 1
                failures += check_text(dumps(cert)) != (0, "VERIFIED")
    print(f"square loss: {widths_square} width vectors, {cases_square} (widths, p1) cases, "
          "each refuted with -3/8 t^4 + 1/4 t^6 + 1/8 t^8 and verified")
    print(f"weighted loss: {cases_weighted} width vectors with a bottleneck, each a verified "
          "non-global local minimum")
    print(f"failures: {failures}; {time.perf_counter() - start:.1f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
