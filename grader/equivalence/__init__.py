"""The equivalence engine: is a student's expression equal to the reference, as a real function?

    from grader.equivalence import compare, Decision, Counterexample, KinkPolicy, evaluate_at, find_kinks

`compare` never trusts floating point: values are rigorous interval enclosures at exact rational
points, a difference is reported only when it is certain, and equality comes from an exact proof
(rational functions of exp/trig atoms, piece by piece between kinks) or, failing that, agreement
to 57+ digits at every sample point and hundreds of digits at two of them.
"""

from grader.equivalence.evaluate import decimal_of, evaluate_at
from grader.equivalence.kinks import find_kinks
from grader.equivalence.memo import compare  # decide.compare, remembered by the expressions compared
from grader.equivalence.prepare import prime
from grader.equivalence.results import Counterexample, Decision, KinkPolicy

__all__ = ["Counterexample", "Decision", "KinkPolicy", "compare", "decimal_of", "evaluate_at", "find_kinks", "prime"]
