"""The checker's outcomes other than VERIFIED, each with its exit code."""


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
        super().__init__(f"step {step}: {rule}: expected {expected}, found {found}")


class Malformed(CheckerError):
    """The certificate is not a well-formed v1 certificate (exit 2)."""

    exit_code = 2


class ResourceCap(CheckerError):
    """The certificate exceeds a size or digit cap; nothing was computed (exit 3)."""

    exit_code = 3
