"""exactopen: exact, certified answers about local openness of matrix multiplication.

The trusted part is :mod:`exactopen.checker` (standard library only); everything
else computes answers and writes certificates that the checker re-verifies.
"""

__version__ = "0.1.0"
