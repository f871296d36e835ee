"""Every data rule of the warehouse's marts, in one place: what it checks, whether it
blocks publishing or warns, and why.

Rules are Great Expectations 1.x expectations run on pandas frames read from DuckDB
(GX's SQL path over duckdb-engine is broken upstream). A suite reads only the columns
its rules need, through `select` (derived columns such as a date comparison are
computed there, in SQL). Grain uniqueness and "every fact's client and post is known"
are dbt tests (schema yml), which Dagster shows as checks on the same assets.

Rows that break an invariant are already kept out at load time (data_checks/row_rules
and the loaders): a blocking failure here means a bug or a broken export that slipped
through, never ordinary messiness.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from data_checks.run_rules import in_scope
from pipelines import rules

if TYPE_CHECKING:
    from great_expectations.expectations import Expectation


class _Expectations:
    """gx.expectations, imported when a rule's expectation is first made: the Dagster
    definitions read the suites (their rules are the asset checks) without importing
    Great Expectations (2.7 s), which only the process that validates needs."""

    def __getattr__(self, name: str):
        import great_expectations as gx

        return getattr(gx.expectations, name)


X = _Expectations()


@dataclass(frozen=True)
class Rule:
    name: str  # the Dagster check name
    expectation: Callable[[], Expectation]
    blocking: bool
    why: str


@dataclass(frozen=True)
class TableSuite:
    table: str  # schema.table in the build database: the asset the checks attach to
    key: str  # the grain column, reported for failing rows
    select: str  # SQL over `table` giving the key and the columns the rules read
    rules: tuple[Rule, ...]
    client: str = "client"  # the client column in `select`'s FROM, for select_for

    def select_for(self, clients: list[str] | None) -> str:
        """`select` over the rows of `clients` (None: every row)."""
        return (
            self.select
            if clients is None
            else f"{self.select} WHERE {in_scope(clients, self.client)}"
        )


def pair_le(a: str, b: str, mostly: float = 1.0) -> Callable[[], Expectation]:
    """a <= b, ignoring rows where either is unknown."""
    return lambda: X.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A=b,
        column_B=a,
        or_equal=True,
        ignore_row_if="either_value_is_missing",
        mostly=mostly,
    )


def pair_rule(
    rule: rules.PairRule, part: str, whole: str, blocking: bool, mostly: float = 1.0, more=""
) -> Rule:
    """A rule of the registry (pipelines/rules.py) as this suite's check."""
    return Rule(rule.name, pair_le(part, whole, mostly), blocking, f"{rule.why} {more}".strip())


def between(column: str, lo: float | None, hi: float | None) -> Callable[[], Expectation]:
    return lambda: X.ExpectColumnValuesToBeBetween(column=column, min_value=lo, max_value=hi)


def is_true(column: str) -> Callable[[], Expectation]:
    return lambda: X.ExpectColumnValuesToBeInSet(column=column, value_set=[True])


def non_negative(table: str, columns: tuple[str, ...]) -> tuple[Rule, ...]:
    return tuple(
        Rule(
            f"{c}_not_negative",
            between(c, 0, None),
            True,
            f"A count or amount below zero cannot happen; {table} holds a broken value.",
        )
        for c in columns
    )


FCT_POST_PERFORMANCE = TableSuite(
    table="marts.fct_post_performance",
    key="post_key",
    select="""
        SELECT p.post_key, p.impressions, p.reach, p.clicks, p.link_clicks, p.frequency,
               p.reactions, p.comments, p.shares, p.saves, p.engagements, p.engagement_rate,
               p.ctr, p.conversion_rate,
               -- a post cannot appear in an export made before it was published
               CAST(timezone(c.timezone, p.published_at) AS DATE) <= p.metrics_as_of
                   AS published_before_export
        FROM marts.fct_post_performance p JOIN marts.dim_client c USING (client)""",
    client="p.client",
    rules=(
        pair_rule(
            rules.REACH_LE_IMPRESSIONS,
            "reach",
            "impressions",
            True,
            mostly=rules.POST_REACH_SHARE,
            more=f"Meta's exports hold a few posts with reach slightly above impressions "
            f"(rows more than {rules.META_POST_REACH_ROW_TOLERANCE - 1:.0%} above are kept out "
            f"at load), so up to {1 - rules.POST_REACH_SHARE:.0%} of posts may.",
        ),
        pair_rule(rules.CLICKS_LE_IMPRESSIONS, "clicks", "impressions", True),
        pair_rule(rules.LINK_CLICKS_LE_CLICKS, "link_clicks", "clicks", True),
        *non_negative(
            "fct_post_performance",
            (
                "impressions",
                "reach",
                "clicks",
                "reactions",
                "comments",
                "shares",
                "saves",
                "engagements",
            ),
        ),
        Rule(
            "ctr_is_a_fraction",
            between("ctr", 0, 1),
            True,
            "CTR = clicks / impressions is a fraction (0.045, not 4.5).",
        ),
        Rule(
            "engagement_rate_is_a_fraction",
            between("engagement_rate", 0, 1),
            False,
            "Engagements / impressions is normally well below 1; above 1 happens when a "
            "platform counts interactions from shares of the post. Worth a look, not a stop.",
        ),
        Rule(
            "conversion_rate_is_a_fraction",
            between("conversion_rate", 0, 1),
            False,
            "Conversions / clicks above 1 means conversions reached through other paths "
            "(a shared link): worth a look, not a stop.",
        ),
        Rule(
            "frequency_at_least_one",
            between("frequency", 1, None),
            False,
            "Frequency = impressions / reach is at least 1 where reach > 0; the few Meta "
            "posts with reach slightly above impressions fall just below 1.",
        ),
        Rule(
            rules.PUBLISHED_BEFORE_EXPORT[0],
            is_true("published_before_export"),
            True,
            rules.PUBLISHED_BEFORE_EXPORT[1] + " Such rows are kept out at load; one here "
            "slipped through.",
        ),
    ),
)

FCT_CAMPAIGN_DAILY = TableSuite(
    table="marts.fct_campaign_daily",
    key="ad_key",
    select="SELECT ad_key, spend, impressions, reach, clicks, link_clicks, cpm, ctr, "
    "date <= date_end AS window_in_order FROM marts.fct_campaign_daily",
    rules=(
        *non_negative("fct_campaign_daily", ("spend", "impressions", "reach", "clicks")),
        pair_rule(rules.REACH_LE_IMPRESSIONS, "reach", "impressions", True),
        pair_rule(rules.CLICKS_LE_IMPRESSIONS, "clicks", "impressions", True),
        pair_rule(rules.LINK_CLICKS_LE_CLICKS, "link_clicks", "clicks", True),
        Rule(
            "ctr_is_a_fraction",
            between("ctr", 0, 1),
            True,
            "CTR = clicks / impressions is a fraction.",
        ),
        Rule(
            "reporting_window_in_order",
            is_true("window_in_order"),
            True,
            "A reporting window that ends before it starts is a misread date.",
        ),
    ),
)

FCT_ACCOUNT_DAILY = TableSuite(
    table="marts.fct_account_daily",
    key="date",
    # a day dated by Meta's follower history holds its net change, which can be negative
    select="SELECT client || '/' || platform || '/' || date AS date, impressions, reach, "
    "CASE WHEN followers IS NULL THEN new_followers END AS new_followers "
    "FROM marts.fct_account_daily",
    rules=(
        *non_negative("fct_account_daily", ("impressions", "reach", "new_followers")),
        pair_rule(
            rules.REACH_LE_IMPRESSIONS,
            "reach",
            "impressions",
            False,
            mostly=rules.ACCOUNT_REACH_SHARE,
            more="Page-level series come from separate files and Meta rounds them, so a few "
            "days may differ.",
        ),
    ),
)

SUITES: tuple[TableSuite, ...] = (FCT_POST_PERFORMANCE, FCT_CAMPAIGN_DAILY, FCT_ACCOUNT_DAILY)
