"""exactopen: exact, certified answers about local openness of matrix multiplication.

The trusted part is :mod:`exactopen.checker` (standard library only); everything
else computes answers and writes certificates that the checker re-verifies.

``from exactopen import Matrix`` gives the exact matrix type
(:class:`exactopen.linalg.Matrix`); it is imported on first use, so that
``import exactopen`` (and the command line's start-up) stays cheap.
"""

__version__ = "0.1.0"
__all__ = ["Matrix", "__version__"]


def __getattr__(name):
    if name == "Matrix":
        from .linalg.matrix import Matrix
        return Matrix
    raise AttributeError(f"module 'exactopen' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + ["Matrix"])
