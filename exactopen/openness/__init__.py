"""Local openness of matrix multiplication: Theorem 2, Behrends' case, lifting, reach.

:mod:`.theorem2` decides openness and reports conditions (i)-(v) or (A)/(B);
:mod:`.witnesses` builds the perturbations and obstruction vectors;
:mod:`.lift` makes openness an algorithm; :mod:`.probe` measures its reach.
"""

from .lift import Lift, NotLiftable, lift
from .theorem2 import OpennessReport, analyze

__all__ = ["Lift", "NotLiftable", "OpennessReport", "analyze", "lift"]
