"""The report's paid and conversion sections (mixed into sections.Sections): campaigns per
client and objective, conversions by source."""

from __future__ import annotations

from pipelines.report import charts
from pipelines.report.blocks import Heading, Section, Table, chart, section
from pipelines.report.texts import t

CONVERSION_TYPES = ("appointment", "call", "registration", "purchase", "lead")


class PaidSections:
    """Needs con, client, where, params, per, lang, f (a locale.Formatter) and _rows, _t."""

    def campaigns(self) -> Section:
        """Per client (campaigns of two clients never add up), per objective: Meta's results
        and what they cost beside the client's own attributed conversions and theirs."""
        lang, f = self.lang, self.f
        rows = self._rows(
            f"""
            SELECT client, client_name, objective, campaign, currency, spend, impressions,
                   results, cost_per_result, attributed_conversions,
                   cost_per_attributed_conversion, cpm, ctr
            FROM analytics.campaigns_by_period
            WHERE {self.where} AND period_start >= ? AND period_start < ? AND period_grain = ?
            ORDER BY client_name, objective, cost_per_result NULLS LAST, campaign
            """,
            self.per.grain,
        )
        blocks: list = []
        for client, name, objective in dict.fromkeys((r[0], r[1], r[2]) for r in rows):
            group = [r for r in rows if r[:3] == (client, name, objective)]
            shown = f"{t('objective', lang)} : {f.label('objective', objective)}"
            if self.client is None:
                shown = f"{name or client} — {shown}"
            bars = charts.hbar(
                [r[3] or "?" for r in group],
                {t("cost_per_result", lang): [r[8] for r in group]},
                kind="money",
                title=shown,
                fmt=lambda v, kind, cur=group[0][4]: f.money(v, cur),
            )
            table = Table(
                self._t("campaign", "spend", "impressions", "results", "cost_per_result",
                        "attributed_conversions", "cost_per_attributed", "cpm", "ctr"),
                [
                    [r[3] or "?", f.money(r[5], r[4]), f(r[6]), f(r[7]), f.money(r[8], r[4]),
                     f(r[9]), f.money(r[10], r[4]), f.money(r[11], r[4]), f(r[12], "rate")]
                    for r in group
                ],
            )  # fmt: skip
            blocks += [Heading(shown), chart(bars), table]
        return section("campaigns", lang, blocks)

    def conversions(self) -> Section:
        lang, f = self.lang, self.f
        rows = self.con.execute(
            f"""
            PIVOT (
                SELECT attribution, platform, conversion_type, conversions
                FROM analytics.conversions_by_source
                WHERE {self.where} AND month >= ? AND month < ?
            ) ON conversion_type IN ({", ".join(f"'{c}'" for c in CONVERSION_TYPES)})
            USING sum(conversions) GROUP BY attribution, platform ORDER BY attribution, platform
            """,
            [*self.params, self.per.start, self.per.end],
        )
        names = [d[0] for d in rows.description][2:]
        data = rows.fetchall()
        keep = [i for i, _ in enumerate(names) if any(r[i + 2] for r in data)]
        names = [f.label("conversion_type", names[i]) for i in keep]
        data = [
            (
                f"{f.label('attribution', r[0])} · {f.label('platform', r[1])}",
                *(r[i + 2] for i in keep),
            )
            for r in data
        ]
        if not data:
            return section("conversions", lang, [])
        bars = charts.hbar(
            [r[0] for r in data],
            {n: [r[i + 1] for r in data] for i, n in enumerate(names)},
            title=t("conversions", lang),
            fmt=f,
        )
        table = Table([t("source", lang), *names], [[r[0], *(f(v) for v in r[1:])] for r in data])
        return section("conversions", lang, [chart(bars), table])
