"""The checker's outcomes other than VERIFIED, each with its exit code."""

from fractions import Fraction


class CheckerError(Exception):
    """Root of the checker's exceptions."""

    exit_code = 1


class NotVerified(CheckerError):
    """The evidence does not establish the claim (exit 1).

    Carries the step (number or name), the rule, and expected vs found.
    """

    exit_code = 1

    def __init__(self, step, rule: str, expected, found):
        self.step, self.rule, self.expected, self.found = step, rule, expected, found
        super().__init__(f"step {step}: {rule}: expected {show(expected)}, found {show(found)}")


class Malformed(CheckerError):
    """The certificate is not a well-formed certificate, or its data file does not fit (exit 2)."""

    exit_code = 2


class ResourceCap(CheckerError):
    """The certificate exceeds a size cap or the work budget; nothing more is computed (exit 3)."""

    exit_code = 3


def show(value, limit=200):
    """Text of a value for a message, cut short (and never a huge integer conversion)."""
    if isinstance(value, (int, Fraction)) and not isinstance(value, bool):
        size = max(abs(Fraction(value).numerator), Fraction(value).denominator).bit_length()
        if size > 3 * limit:
            return f"a number of about {size * 3 // 10} digits"
    if isinstance(value, list):
        text = "[" + ", ".join(show(x, limit) for x in value) + "]"
    else:
        text = str(value)
    return text if len(text) <= limit else text[:limit] + "..."
