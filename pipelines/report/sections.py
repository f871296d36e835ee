"""The report's sections: DuckDB computes every figure, Python only arranges it in blocks
(cards, charts, tables) that the page template renders, escaped."""

from __future__ import annotations

from pipelines.report import charts
from pipelines.report.blocks import (
    Card,
    Cards,
    Heading,
    Heat,
    Link,
    Note,
    Section,
    Table,
    chart,
    section,
)
from pipelines.report.charts import fmt
from pipelines.report.texts import t

CONVERSION_TYPES = ("appointment", "call", "registration", "purchase", "lead")


class Sections:
    """Each method: one section for a client (None: all clients) and a period."""

    def __init__(self, con, client: str | None, per, lang: str):
        self.con, self.per, self.lang = con, per, lang
        self.where, self.params = ("client = ?", [client]) if client else ("true", [])

    def _rows(self, sql: str, *extra) -> list[tuple]:
        return self.con.execute(
            sql, [*self.params, self.per.start, self.per.end, *extra]
        ).fetchall()

    def _t(self, *keys: str) -> list[str]:
        return [t(k, self.lang) for k in keys]

    def kpis(self) -> Section:
        lang, where = self.lang, self.where
        rows = self._rows(
            f"""
            SELECT platform, count(*) AS posts, sum(impressions) AS impressions,
                   sum(reach) AS reach_sum,
                   sum(impressions) FILTER (WHERE reach > 0) / nullif(sum(reach), 0),
                   sum(engagements) / nullif(sum(impressions), 0) AS engagement_rate,
                   sum(clicks) / nullif(sum(impressions), 0) AS ctr,
                   sum(conversions) AS conversions
            FROM analytics.posts
            WHERE {where} AND published_date >= ? AND published_date < ?
            GROUP BY platform ORDER BY impressions DESC NULLS LAST
            """
        )
        if not rows:
            return section("kpi", lang, [])
        (totals,) = self._rows(
            f"""
            SELECT count(*), sum(impressions), sum(reach),
                   sum(engagements) / nullif(sum(impressions), 0),
                   sum(clicks) / nullif(sum(impressions), 0), sum(conversions)
            FROM analytics.posts WHERE {where} AND published_date >= ? AND published_date < ?
            """
        )
        figures = ("posts", "impressions", "reach", "engagement_rate", "ctr", "conversions_col")
        kinds = ("number", "number", "number", "rate", "rate", "number")
        cards = Cards(
            [
                Card(key, "" if v is None else str(v), fmt(v, kind), t(key, lang))
                for key, v, kind in zip(figures, totals, kinds, strict=True)
            ]
        )
        bars = charts.hbar(
            [r[0] for r in rows],
            {t("impressions", lang): [r[2] for r in rows], t("reach", lang): [r[3] for r in rows]},
            title=t("kpi", lang),
        )
        table = Table(
            self._t("platform", "posts", "impressions", "reach", "frequency",
                    "engagement_rate", "ctr", "conversions_col"),
            [
                [r[0], fmt(r[1]), fmt(r[2]), fmt(r[3]), fmt(r[4]), fmt(r[5], "rate"),
                 fmt(r[6], "rate"), fmt(r[7])]
                for r in rows
            ],
        )  # fmt: skip
        return section("kpi", lang, [cards, chart(bars), table])

    def content(self) -> Section:
        lang, where = self.lang, self.where
        cells = self._rows(
            f"""
            SELECT content_type, theme, count(*) AS posts, sum(impressions),
                   sum(engagements) / nullif(sum(impressions), 0) AS er,
                   sum(clicks) / nullif(sum(impressions), 0)
            FROM analytics.posts WHERE {where} AND published_date >= ? AND published_date < ?
            GROUP BY ALL ORDER BY content_type, theme
            """
        )
        if not cells:
            return section("content", lang, [])
        by_type = self._rows(
            f"""
            SELECT content_type, sum(engagements) / nullif(sum(impressions), 0),
                   sum(clicks) / nullif(sum(impressions), 0)
            FROM analytics.posts WHERE {where} AND published_date >= ? AND published_date < ?
            GROUP BY ALL ORDER BY 2 DESC NULLS LAST
            """
        )
        bars = charts.hbar(
            [r[0] for r in by_type],
            {
                t("engagement_rate", lang): [r[1] for r in by_type],
                t("ctr", lang): [r[2] for r in by_type],
            },
            kind="rate",
            title=t("content", lang),
        )
        top = max((c[4] or 0) for c in cells) or 1
        table = Table(
            self._t("content_type", "theme", "posts", "impressions", "engagement_rate", "ctr"),
            [
                [c[0] or "?", c[1] or "?", fmt(c[2]), fmt(c[3]),
                 Heat(fmt(c[4], "rate"), 0.1 + 0.8 * (c[4] or 0) / top), fmt(c[5], "rate")]
                for c in cells
            ],
        )  # fmt: skip
        return section("content", lang, [chart(bars), table])

    def trend(self) -> Section:
        lang = self.lang
        weeks = self._rows(
            f"""
            WITH weekly AS (
                SELECT period_start AS week, sum(posts) AS posts,
                       sum(impressions) AS impressions, sum(engagements) AS engagements,
                       sum(clicks) AS clicks
                FROM analytics.content_by_period
                WHERE period_grain = 'week' AND {self.where}
                GROUP BY ALL
            ), rated AS (
                SELECT week, impressions / nullif(posts, 0) AS per_post,
                       engagements / nullif(impressions, 0) AS er,
                       clicks / nullif(impressions, 0) AS ctr,
                       avg(impressions / nullif(posts, 0)) OVER (
                           ORDER BY week ROWS BETWEEN 8 PRECEDING AND 1 PRECEDING) AS baseline
                FROM weekly
            )
            SELECT week, per_post, baseline, er, ctr FROM rated
            WHERE week >= ? AND week < ? ORDER BY week
            """
        )
        if not weeks:
            return section("trend", lang, [])
        labels = [w[0].strftime("%d/%m") for w in weeks]
        volume = charts.lines(
            labels,
            {
                t("impressions_per_post", lang): [w[1] for w in weeks],
                t("baseline", lang): [w[2] for w in weeks],
            },
            title=t("trend", lang),
            dashed=(t("baseline", lang),),
        )
        rates = charts.lines(
            labels,
            {
                t("engagement_rate", lang): [w[3] for w in weeks],
                t("ctr", lang): [w[4] for w in weeks],
            },
            kind="rate",
            title=t("trend", lang),
        )
        return section(
            "trend", lang, [chart(volume), Note(t("trend_rate_help", lang)), chart(rates)]
        )

    def quarter(self) -> Section:
        lang = self.lang
        rows = self._rows(
            f"""
            SELECT period_start, sum(posts), sum(impressions),
                   sum(engagements) / nullif(sum(impressions), 0),
                   sum(clicks) / nullif(sum(impressions), 0), sum(conversions)
            FROM analytics.content_by_period
            WHERE period_grain = 'quarter' AND {self.where}
              AND period_start >= ? - INTERVAL 3 MONTH AND period_start < ?
            GROUP BY ALL ORDER BY period_start
            """
        )
        if not rows:
            return section("qoq", lang, [])
        table_rows = []
        for i, r in enumerate(rows):
            prev = rows[i - 1] if i else None
            change = "—"
            if prev:
                volume = r[2] / prev[2] - 1 if prev[2] else None
                rate = r[3] - prev[3] if r[3] is not None and prev[3] is not None else None
                change = f"{fmt(volume, 'rate')} / {fmt(rate, 'rate')}"
            quarter = f"{r[0].year}-Q{(r[0].month - 1) // 3 + 1}"
            table_rows.append(
                [quarter, fmt(r[1]), fmt(r[2]), fmt(r[3], "rate"), fmt(r[4], "rate"), fmt(r[5]),
                 change]
            )  # fmt: skip
        headers = self._t("quarter", "posts", "impressions", "engagement_rate", "ctr")
        headers += [
            t("conversions_col", lang),
            f"{t('change', lang)} ({t('impressions', lang)} / {t('engagement_rate', lang)})",
        ]
        bars = charts.hbar(
            [r[0] for r in table_rows],
            {t("impressions", lang): [r[2] for r in rows]},
            title=t("qoq", lang),
        )
        return section("qoq", lang, [chart(bars), Table(headers, table_rows)])

    def outliers(self) -> Section:
        lang, blocks = self.lang, []
        for flag, order in (("over", "DESC"), ("under", "ASC")):
            rows = self._rows(
                f"""
                SELECT published_date, client_name, platform, content_type, theme,
                       impressions, impressions_index, engagement_rate, permalink
                FROM analytics.posts
                WHERE {self.where} AND published_date >= ? AND published_date < ?
                  AND performance = ?
                ORDER BY impressions_index {order} LIMIT 5
                """,
                flag,
            )
            if not rows:
                continue
            bars = charts.hbar(
                [f"{r[0]:%d/%m} {r[2]} {r[3]}" for r in rows],
                {t("index", lang): [r[6] for r in rows]},
                title=t(flag, lang),
            )
            table = Table(
                self._t("date", "platform", "content_type", "theme", "impressions", "index",
                        "engagement_rate", "link"),
                [
                    [str(r[0]), r[2], r[3] or "", r[4] or "", fmt(r[5]), fmt(r[6]),
                     fmt(r[7], "rate"), Link(r[8])]
                    for r in rows
                ],
            )  # fmt: skip
            blocks += [Heading(t(flag, lang)), chart(bars), table]
        return section("outliers", lang, blocks)

    def campaigns(self) -> Section:
        lang = self.lang
        rows = self._rows(
            f"""
            SELECT objective, campaign, any_value(currency), sum(spend), sum(impressions),
                   sum(results), sum(spend) / nullif(sum(results), 0) AS cpr,
                   sum(spend) * 1000 / nullif(sum(impressions), 0),
                   sum(spend) / nullif(sum(coalesce(link_clicks, clicks)), 0),
                   sum(clicks) / nullif(sum(impressions), 0)
            FROM marts.fct_campaign_daily
            WHERE {self.where} AND date >= ? AND date < ?
            GROUP BY ALL ORDER BY objective, cpr NULLS LAST
            """
        )
        blocks: list = []
        for objective in dict.fromkeys(r[0] for r in rows):
            group = [r for r in rows if r[0] == objective]
            bars = charts.hbar(
                [r[1] or "?" for r in group],
                {t("cost_per_result", lang): [r[6] for r in group]},
                kind="money",
                title=objective or "",
            )
            table = Table(
                self._t("campaign", "spend", "impressions", "results", "cost_per_result", "cpm",
                        "cpc", "ctr"),
                [
                    [r[1] or "?", f"{fmt(r[3], 'money')} {r[2] or ''}", fmt(r[4]), fmt(r[5]),
                     fmt(r[6], "money"), fmt(r[7], "money"), fmt(r[8], "money"),
                     fmt(r[9], "rate")]
                    for r in group
                ],
            )  # fmt: skip
            blocks += [Heading(f"{t('objective', lang)} : {objective or '?'}"), chart(bars), table]
        return section("campaigns", lang, blocks)

    def conversions(self) -> Section:
        lang = self.lang
        rows = self.con.execute(
            f"""
            PIVOT (
                SELECT attribution || ' · ' || platform AS source, conversion_type, conversions
                FROM analytics.conversions_by_source
                WHERE {self.where} AND month >= ? AND month < ?
            ) ON conversion_type IN ({", ".join(f"'{c}'" for c in CONVERSION_TYPES)})
            USING sum(conversions) GROUP BY source ORDER BY source
            """,
            [*self.params, self.per.start, self.per.end],
        )
        names = [d[0] for d in rows.description][1:]
        data = rows.fetchall()
        keep = [i for i, _ in enumerate(names) if any(r[i + 1] for r in data)]
        names = [names[i] for i in keep]
        data = [(r[0], *(r[i + 1] for i in keep)) for r in data]
        if not data:
            return section("conversions", lang, [])
        bars = charts.hbar(
            [r[0] for r in data],
            {n: [r[i + 1] for r in data] for i, n in enumerate(names)},
            title=t("conversions", lang),
        )
        table = Table([t("source", lang), *names], [[r[0], *(fmt(v) for v in r[1:])] for r in data])
        return section("conversions", lang, [chart(bars), table])

    def all(self) -> list[Section]:
        return [
            self.kpis(),
            self.content(),
            self.trend(),
            self.quarter(),
            self.outliers(),
            self.campaigns(),
            self.conversions(),
        ]
