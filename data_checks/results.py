"""What a rule found, the same record for the GX suites and the run-level SQL rules (kept
apart from runner.py so that reading a result never imports Great Expectations)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RuleResult:
    name: str
    table: str
    passed: bool
    failing_rows: int
    checked_rows: int
    blocking: bool
    why: str
    sample_keys: list[str] = field(default_factory=list)
