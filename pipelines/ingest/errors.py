"""Why a file is quarantined, in words an analyst can act on."""


class UnreadableFile(Exception):
    """A file that cannot be loaded at all; it goes to quarantine with `problem` and `advice`."""

    def __init__(self, problem: str, advice: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.advice = advice


def nothing_loaded(rejected: int, top_problem: str | None) -> UnreadableFile:
    if rejected == 0:
        return UnreadableFile(
            "the file has a header but no rows", "Export it again; check the date range selected."
        )
    return UnreadableFile(
        f"none of its {rejected} rows could be read (most common problem: "
        f"{top_problem or 'unknown'})",
        "Check that the columns hold what their names say, and export it again.",
    )
