"""Why a file is quarantined, in words an analyst can act on."""


class UnreadableFile(Exception):
    """A file that cannot be loaded at all; it goes to quarantine with `problem` and `advice`."""

    def __init__(self, problem: str, advice: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.advice = advice
