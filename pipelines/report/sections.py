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
from pipelines.report.locale import Formatter
from pipelines.report.sections_paid import PaidSections
from pipelines.report.texts import t


class Sections(PaidSections):
    """Each method: one section for a client (None: all clients) and a period."""

    def __init__(self, con, client: str | None, per, lang: str):
        self.con, self.per, self.lang = con, per, lang
        self.client = client
        self.where, self.params = ("client = ?", [client]) if client else ("true", [])
        self.f = Formatter(lang)

    def _scorecard(self, grain: str, breakdown: str, columns: str, extra: str = "") -> list:
        """Rows of analytics.scorecard (every figure computed by dbt) for this scope: the
        client's rows, or every client's together (client NULL)."""
        return self.con.execute(
            f"""
            SELECT {columns} FROM analytics.scorecard
            WHERE client IS NOT DISTINCT FROM ? AND period_grain = ? AND breakdown = ?
              AND period_start >= ? AND period_start < ? {extra}
            """,
            [self.client, grain, breakdown, self.per.start, self.per.end],
        ).fetchall()

    def _rows(self, sql: str, *extra) -> list[tuple]:
        return self.con.execute(
            sql, [*self.params, self.per.start, self.per.end, *extra]
        ).fetchall()

    def _t(self, *keys: str) -> list[str]:
        return [t(k, self.lang) for k in keys]

    def kpis(self) -> Section:
        lang, where = self.lang, self.where
        figures = "posts, impressions, reach_sum, frequency, engagement_rate, ctr, conversions"
        grain = self.per.grain
        rows = self._scorecard(
            grain, "platform", f"platform, {figures}",
            "AND posts > 0 ORDER BY impressions DESC NULLS LAST",
        )  # fmt: skip
        if not rows:
            return section("kpi", lang, [])
        (totals,) = self._scorecard(grain, "total", figures)
        totals = (*totals[:3], *totals[4:])  # the cards show no frequency
        by_source = dict(
            self._rows(
                f"""
                SELECT attribution, sum(conversions) FROM analytics.conversions_by_source
                WHERE {where} AND month >= ? AND month < ? GROUP BY ALL
                """
            )
        )
        conversions = sum(by_source.values()) if by_source else None
        figures = ("posts", "impressions", "reach", "engagement_rate", "ctr", "conversions_all")
        kinds = ("number", "number", "number", "rate", "rate", "number")
        cards = Cards(
            [
                Card(key, "" if v is None else str(v), self.f(v, kind), t(key, lang))
                for key, v, kind in zip(figures, (*totals[:5], conversions), kinds, strict=True)
            ]
        )
        split = " · ".join(
            f"{self.f.label('attribution', source)} {self.f(by_source[source])}"
            for source in ("post", "campaign", "platform", "none")
            if by_source.get(source)
        )
        bars = charts.hbar(
            [self.f.label("platform", r[0]) for r in rows],
            {t("impressions", lang): [r[2] for r in rows], t("reach", lang): [r[3] for r in rows]},
            title=t("kpi", lang),
            fmt=self.f,
        )
        table = Table(
            self._t("platform", "posts", "impressions", "reach", "frequency",
                    "engagement_rate", "ctr", "conversions_col"),
            [
                [self.f.label("platform", r[0]), self.f(r[1]), self.f(r[2]), self.f(r[3]),
                 self.f(r[4]), self.f(r[5], "rate"),
                 self.f(r[6], "rate"), self.f(r[7])]
                for r in rows
            ],
        )  # fmt: skip
        split_note = [Note(f"{t('conversions_split', lang)} {split}")] if split else []
        return section("kpi", lang, [cards, *split_note, chart(bars), table])

    def content(self) -> Section:
        lang = self.lang
        cells = self._scorecard(
            self.per.grain, "content_type_theme",
            "content_type, theme, posts, impressions, engagement_rate, ctr",
            "AND posts > 0 ORDER BY content_type, theme",
        )  # fmt: skip
        if not cells:
            return section("content", lang, [])
        by_type = self._scorecard(
            self.per.grain, "content_type", "content_type, engagement_rate, ctr",
            "AND posts > 0 ORDER BY engagement_rate DESC NULLS LAST, content_type",
        )  # fmt: skip
        bars = charts.hbar(
            [self.f.label("content_type", r[0]) for r in by_type],
            {
                t("engagement_rate", lang): [r[1] for r in by_type],
                t("ctr", lang): [r[2] for r in by_type],
            },
            kind="rate",
            title=t("content", lang),
            fmt=self.f,
        )
        top = max((c[4] or 0) for c in cells) or 1
        table = Table(
            self._t("content_type", "theme", "posts", "impressions", "engagement_rate", "ctr"),
            [
                [self.f.label("content_type", c[0]), self.f.label("theme", c[1]), self.f(c[2]),
                 self.f(c[3]),
                 Heat(self.f(c[4], "rate"), 0.1 + 0.8 * (c[4] or 0) / top), self.f(c[5], "rate")]
                for c in cells
            ],
        )  # fmt: skip
        return section("content", lang, [chart(bars), table])

    def trend(self) -> Section:
        lang = self.lang
        weeks = self._scorecard(
            "week", "total",
            "period_start, impressions_per_post, baseline_impressions_per_post, engagement_rate, "
            "ctr",
            "ORDER BY period_start",
        )  # fmt: skip
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
            fmt=self.f,
        )
        rates = charts.lines(
            labels,
            {
                t("engagement_rate", lang): [w[3] for w in weeks],
                t("ctr", lang): [w[4] for w in weeks],
            },
            kind="rate",
            title=t("trend", lang),
            fmt=self.f,
        )
        return section(
            "trend", lang, [chart(volume), Note(t("trend_rate_help", lang)), chart(rates)]
        )

    def quarter(self) -> Section:
        lang = self.lang
        rows = self.con.execute(
            """
            SELECT period_start, posts, impressions, engagement_rate, ctr, conversions,
                   impressions_change, engagement_rate_change
            FROM analytics.scorecard
            WHERE client IS NOT DISTINCT FROM ? AND period_grain = 'quarter'
              AND breakdown = 'total'
              AND period_start >= ? - INTERVAL 3 MONTH AND period_start < ?
            ORDER BY period_start
            """,
            [self.client, self.per.start, self.per.end],
        ).fetchall()
        if not rows:
            return section("qoq", lang, [])
        table_rows = []
        for i, r in enumerate(rows):
            change = "—"
            if i:  # the first row is there as the first shown quarter's previous one
                change = f"{self.f(r[6], 'rate')} / {self.f(r[7], 'rate')}"
            quarter = self.f.quarter(r[0])
            table_rows.append(
                [quarter, self.f(r[1]), self.f(r[2]), self.f(r[3], "rate"),
                 self.f(r[4], "rate"), self.f(r[5]), change]
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
            fmt=self.f,
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
                [
                    f"{r[0]:%d/%m} {self.f.label('platform', r[2])} "
                    f"{self.f.label('content_type', r[3])}"
                    for r in rows
                ],
                {t("index", lang): [r[6] for r in rows]},
                title=t(flag, lang),
                fmt=self.f,
            )
            table = Table(
                self._t("date", "platform", "content_type", "theme", "impressions", "index",
                        "engagement_rate", "link"),
                [
                    [str(r[0]), self.f.label("platform", r[2]),
                     self.f.label("content_type", r[3]), self.f.label("theme", r[4]),
                     self.f(r[5]), self.f(r[6]),
                     self.f(r[7], "rate"), Link(r[8])]
                    for r in rows
                ],
            )  # fmt: skip
            blocks += [Heading(t(flag, lang)), chart(bars), table]
        return section("outliers", lang, blocks)

    def best_time(self) -> Section:
        """A heat map per platform: local weekday x hour band, the median engagement rate of
        the posts published then (every content type), with how many posts stand behind it;
        no shade where too few do."""
        if self.client is None:  # one client's habits: a mix of clients says nothing
            return section("best_time", self.lang, [])
        f, blocks = self.f, []
        cells = self.con.execute(
            "SELECT platform, weekday, hour_band, posts, median_engagement_rate, enough_posts "
            "FROM analytics.best_time_to_post WHERE client = ? AND content_type = 'all' "
            "AND hour_band <> 'unknown' ORDER BY ALL",
            [self.client],
        ).fetchall()
        bands = ("00-06", "06-09", "09-12", "12-15", "15-18", "18-21", "21-24")
        top = max((c[4] or 0 for c in cells if c[5]), default=0) or 1
        for platform in dict.fromkeys(c[0] for c in cells):
            grid = {(c[1], c[2]): c for c in cells if c[0] == platform}
            rows = []
            for day in range(1, 8):
                row: list = [f.weekday(day)]
                for band in bands:
                    c = grid.get((day, band))
                    if c is None:
                        row.append("")
                    elif c[5]:
                        row.append(Heat(f"{f(c[4], 'rate')} ({c[3]})", 0.1 + 0.8 * c[4] / top))
                    else:
                        row.append(f"({c[3]})")
                rows.append(row)
            blocks += [
                Heading(f.label("platform", platform)),
                Table([t("weekday", self.lang), *bands], rows),
            ]
        return section("best_time", self.lang, blocks)

    def all(self) -> list[Section]:
        return [
            self.kpis(),
            self.content(),
            self.trend(),
            self.quarter(),
            self.outliers(),
            self.best_time(),
            self.campaigns(),
            self.conversions(),
        ]
