"""Each data rule of DOMAIN.md defined once: its name (the same at load, on the marts, in
the run report and in Dagster's checks), what it compares, its tolerances with the reason
for each, and why it matters.

The loaders (pipelines/ingest/*: a row that breaks one is kept out, in
ops.rejected_rows) and the mart suites (data_checks/suites.py: a table that breaks one
blocks or warns) both build their checks from here; ingest and data_checks never import
each other, so the registry lives below both.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PairRule:
    """`part` <= `whole` on every row where both are known."""

    name: str
    why: str

    def broken(self, part: str, whole: str, tolerance: float = 1.0) -> tuple[str, str]:
        """(rule name as stored with a rejected row, SQL true when the row breaks it)."""
        if tolerance == 1.0:
            return self.name, f"{part} > {whole}"
        label = f"{self.name} ({round((tolerance - 1) * 100):g}% tolerance)"
        return label, f"{part} > {whole} * {tolerance}"


REACH_LE_IMPRESSIONS = PairRule(
    "reach_le_impressions",
    "Reach counts unique accounts among the impressions: more reach than impressions means "
    "mis-mapped columns or a corrupt export.",
)
CLICKS_LE_IMPRESSIONS = PairRule(
    "clicks_le_impressions",
    "A click needs the post or ad on screen: more clicks than impressions means the "
    "columns are mis-mapped or the export is corrupt.",
)
LINK_CLICKS_LE_CLICKS = PairRule("link_clicks_le_clicks", "Link clicks are a part of all clicks.")

# Meta's post exports hold a few posts with reach slightly above impressions (its two
# counts are estimated apart): at load, only rows more than 10% above are kept out...
META_POST_REACH_ROW_TOLERANCE = 1.10
# ...so on the mart up to 2% of posts may still show it; more means a mis-mapped column.
POST_REACH_SHARE = 0.98
# Page-level reach and views come from separate files that Meta rounds: on a few days
# reach may pass views (a warning, not a stop).
ACCOUNT_REACH_SHARE = 0.95

PUBLISHED_BEFORE_EXPORT = (
    "published_before_export",
    "A post cannot appear in an export made before it was published: a later Publish time "
    "is a date typo, a day/month swap or a time-zone error, and its daily figures would "
    "land on the wrong days.",
)
