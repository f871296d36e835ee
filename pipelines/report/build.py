"""`socialwh report`: one self-contained HTML file from the published warehouse.

DuckDB computes every figure (from the `analytics` views and the marts, read-only);
Python only lays them out. Nothing is fetched from the network: styles and charts are
inline, so the file opens offline and can be e-mailed as is. A small inline script only
measures the charts once drawn (`data-charts-drawn` on <body>), for the browser test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from html import escape
from pathlib import Path

import duckdb

from pipelines.report import charts
from pipelines.report.charts import fmt
from pipelines.report.texts import t
from pipelines.settings import Paths

CONVERSION_TYPES = ("appointment", "call", "registration", "purchase", "lead")
PERIOD = re.compile(r"^(\d{4})(?:-Q([1-4])|-(\d{2}))?$")


class ReportError(Exception):
    pass


@dataclass(frozen=True)
class Period:
    label: str
    start: date
    end: date  # exclusive

    @classmethod
    def parse(cls, text: str) -> Period:
        m = PERIOD.match(text.strip())
        if not m:
            raise ReportError(f"period {text!r}: use 2026-Q1, 2026-03 or 2026")
        year = int(m.group(1))
        if m.group(2):
            q = int(m.group(2))
            start = date(year, 3 * q - 2, 1)
            end = date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1)
        elif m.group(3):
            month = int(m.group(3))
            if not 1 <= month <= 12:
                raise ReportError(f"period {text!r}: no month {month}")
            start = date(year, month, 1)
            end = date(year + (month == 12), 1 if month == 12 else month + 1, 1)
        else:
            start, end = date(year, 1, 1), date(year + 1, 1, 1)
        return cls(text.strip(), start, end)


def _scope(client: str | None) -> tuple[str, list]:
    return ("client = ?", [client]) if client else ("true", [])


def default_period(con, client: str | None) -> Period:
    where, params = _scope(client)
    latest = con.execute(
        f"SELECT max(published_date) FROM analytics.posts WHERE {where}", params
    ).fetchone()[0]
    if latest is None:
        raise ReportError("the warehouse has no posts" + (f" for {client}" if client else ""))
    return Period.parse(f"{latest.year}-Q{(latest.month - 1) // 3 + 1}")


def build_report(p: Paths, client: str | None, period: str | None, lang: str) -> str:
    if not p.warehouse.exists():
        raise ReportError(f"no published warehouse at {p.warehouse} yet: run `socialwh run`")
    with duckdb.connect(str(p.warehouse), read_only=True) as con:
        if client is not None:
            row = con.execute("SELECT name FROM marts.dim_client WHERE client = ?", [client])
            found = row.fetchone()
            if found is None:
                known = [
                    c
                    for (c,) in con.execute(
                        "SELECT client FROM marts.dim_client ORDER BY 1"
                    ).fetchall()
                ]
                raise ReportError(f"no client {client!r}; clients: {', '.join(known)}")
            scope_name = found[0] or client
        else:
            scope_name = t("all_clients", lang)
        per = Period.parse(period) if period else default_period(con, client)
        as_of = con.execute("SELECT max(metrics_as_of) FROM analytics.posts").fetchone()[0]
        sections = [
            _kpis(con, client, per, lang),
            _content(con, client, per, lang),
            _trend(con, client, per, lang),
            _quarter(con, client, per, lang),
            _outliers(con, client, per, lang),
            _campaigns(con, client, per, lang),
            _conversions(con, client, per, lang),
        ]
    return _page(scope_name, per, as_of, lang, sections)


def write_report(p: Paths, out: Path, client: str | None, period: str | None, lang: str) -> Path:
    html = build_report(p, client, period, lang)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(out)
    return out


# --- sections -------------------------------------------------------------------------


def _section(key: str, lang: str, body: str, help_key: str | None = None) -> str:
    helptext = t(help_key or f"{key}_help", lang)
    return (
        f'<section id="{key}"><h2>{escape(t(key, lang))}</h2>'
        f'<p class="how">{escape(helptext)}</p>{body or _empty(lang)}</section>'
    )


def _empty(lang: str) -> str:
    return f'<p class="empty">{escape(t("no_data", lang))}</p>'


def _table(headers: list[str], rows: list[list[str]], raw: bool = False) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{c if raw else escape(c)}</td>" for c in row) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _kpis(con, client, per: Period, lang: str) -> str:
    where, params = _scope(client)
    rows = con.execute(
        f"""
        SELECT platform, count(*) AS posts, sum(impressions) AS impressions,
               sum(reach) AS reach_sum,
               sum(impressions) FILTER (WHERE reach > 0) / nullif(sum(reach), 0) AS frequency,
               sum(engagements) / nullif(sum(impressions), 0) AS engagement_rate,
               sum(clicks) / nullif(sum(impressions), 0) AS ctr,
               sum(conversions) AS conversions
        FROM analytics.posts
        WHERE {where} AND published_date >= ? AND published_date < ?
        GROUP BY platform ORDER BY impressions DESC NULLS LAST
        """,
        [*params, per.start, per.end],
    ).fetchall()
    if not rows:
        return _section("kpi", lang, "")
    totals = con.execute(
        f"""
        SELECT count(*), sum(impressions), sum(reach),
               sum(engagements) / nullif(sum(impressions), 0),
               sum(clicks) / nullif(sum(impressions), 0), sum(conversions)
        FROM analytics.posts WHERE {where} AND published_date >= ? AND published_date < ?
        """,
        [*params, per.start, per.end],
    ).fetchone()
    cards = [
        ("posts", totals[0], "number"),
        ("impressions", totals[1], "number"),
        ("reach", totals[2], "number"),
        ("engagement_rate", totals[3], "rate"),
        ("ctr", totals[4], "rate"),
        ("conversions_col", totals[5], "number"),
    ]
    kpi_html = (
        '<div class="cards">'
        + "".join(
            f'<div class="card" data-metric="{key}" data-value="{"" if v is None else v}">'
            f'<div class="v">{fmt(v, kind)}</div><div class="k">{escape(t(key, lang))}</div></div>'
            for key, v, kind in cards
        )
        + "</div>"
    )
    chart = charts.hbar(
        [r[0] for r in rows],
        {t("impressions", lang): [r[2] for r in rows], t("reach", lang): [r[3] for r in rows]},
        title=t("kpi", lang),
    )
    table = _table(
        [t(k, lang) for k in ("platform", "posts", "impressions", "reach", "frequency",
                              "engagement_rate", "ctr", "conversions_col")],
        [
            [r[0], fmt(r[1]), fmt(r[2]), fmt(r[3]), fmt(r[4]), fmt(r[5], "rate"),
             fmt(r[6], "rate"), fmt(r[7])]
            for r in rows
        ],
    )  # fmt: skip
    return _section("kpi", lang, kpi_html + chart + table)


def _content(con, client, per: Period, lang: str) -> str:
    where, params = _scope(client)
    cells = con.execute(
        f"""
        SELECT content_type, theme, count(*) AS posts, sum(impressions),
               sum(engagements) / nullif(sum(impressions), 0) AS er,
               sum(clicks) / nullif(sum(impressions), 0)
        FROM analytics.posts WHERE {where} AND published_date >= ? AND published_date < ?
        GROUP BY ALL ORDER BY content_type, theme
        """,
        [*params, per.start, per.end],
    ).fetchall()
    if not cells:
        return _section("content", lang, "")
    by_type = con.execute(
        f"""
        SELECT content_type, sum(engagements) / nullif(sum(impressions), 0),
               sum(clicks) / nullif(sum(impressions), 0)
        FROM analytics.posts WHERE {where} AND published_date >= ? AND published_date < ?
        GROUP BY ALL ORDER BY 2 DESC NULLS LAST
        """,
        [*params, per.start, per.end],
    ).fetchall()
    chart = charts.hbar(
        [r[0] for r in by_type],
        {
            t("engagement_rate", lang): [r[1] for r in by_type],
            t("ctr", lang): [r[2] for r in by_type],
        },
        kind="rate",
        title=t("content", lang),
    )
    top = max((c[4] or 0) for c in cells) or 1
    rows = [
        [
            escape(c[0] or "?"),
            escape(c[1] or "?"),
            fmt(c[2]),
            fmt(c[3]),
            f'<span class="heat" style="background:rgba(37,99,235,'
            f'{0.1 + 0.8 * (c[4] or 0) / top:.2f})">{fmt(c[4], "rate")}</span>',
            fmt(c[5], "rate"),
        ]
        for c in cells
    ]
    table = _table(
        [
            t(k, lang)
            for k in ("content_type", "theme", "posts", "impressions", "engagement_rate", "ctr")
        ],
        rows,
        raw=True,
    )
    return _section("content", lang, chart + table)


def _trend(con, client, per: Period, lang: str) -> str:
    where, params = _scope(client)
    weeks = con.execute(
        f"""
        WITH weekly AS (
            SELECT period_start AS week, sum(posts) AS posts, sum(impressions) AS impressions,
                   sum(engagements) AS engagements, sum(clicks) AS clicks
            FROM analytics.content_by_period
            WHERE period_grain = 'week' AND {where}
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
        """,
        [*params, per.start, per.end],
    ).fetchall()
    if not weeks:
        return _section("trend", lang, "")
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
        {t("engagement_rate", lang): [w[3] for w in weeks], t("ctr", lang): [w[4] for w in weeks]},
        kind="rate",
        title=t("trend", lang),
    )
    rate_help = f'<p class="how">{escape(t("trend_rate_help", lang))}</p>'
    return _section("trend", lang, volume + rate_help + rates)


def _quarter(con, client, per: Period, lang: str) -> str:
    where, params = _scope(client)
    rows = con.execute(
        f"""
        SELECT period_start, sum(posts), sum(impressions),
               sum(engagements) / nullif(sum(impressions), 0),
               sum(clicks) / nullif(sum(impressions), 0), sum(conversions)
        FROM analytics.content_by_period
        WHERE period_grain = 'quarter' AND {where}
          AND period_start >= ? - INTERVAL 3 MONTH AND period_start < ?
        GROUP BY ALL ORDER BY period_start
        """,
        [*params, per.start, per.end],
    ).fetchall()
    if not rows:
        return _section("qoq", lang, "")
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
            [quarter, fmt(r[1]), fmt(r[2]), fmt(r[3], "rate"), fmt(r[4], "rate"), fmt(r[5]), change]
        )
    headers = [
        t(k, lang)
        for k in ("quarter", "posts", "impressions", "engagement_rate", "ctr", "conversions_col")
    ]
    headers.append(f"{t('change', lang)} ({t('impressions', lang)} / {t('engagement_rate', lang)})")
    chart = charts.hbar(
        [r[0] for r in table_rows],
        {t("impressions", lang): [r[2] for r in rows]},
        title=t("qoq", lang),
    )
    return _section("qoq", lang, chart + _table(headers, table_rows))


def _outliers(con, client, per: Period, lang: str) -> str:
    where, params = _scope(client)
    body = []
    for flag, order in (("over", "DESC"), ("under", "ASC")):
        rows = con.execute(
            f"""
            SELECT published_date, client_name, platform, content_type, theme, impressions,
                   impressions_index, engagement_rate, permalink
            FROM analytics.posts
            WHERE {where} AND published_date >= ? AND published_date < ? AND performance = ?
            ORDER BY impressions_index {order} LIMIT 5
            """,
            [*params, per.start, per.end, flag],
        ).fetchall()
        if not rows:
            continue
        body.append(f"<h3>{escape(t(flag, lang))}</h3>")
        body.append(
            charts.hbar(
                [f"{r[0]:%d/%m} {r[2]} {r[3]}" for r in rows],
                {t("index", lang): [r[6] for r in rows]},
                title=t(flag, lang),
            )
        )
        body.append(
            _table(
                [
                    t(k, lang)
                    for k in (
                        "date",
                        "platform",
                        "content_type",
                        "theme",
                        "impressions",
                        "index",
                        "engagement_rate",
                        "link",
                    )
                ],
                [
                    [
                        escape(str(r[0])),
                        escape(r[2]),
                        escape(r[3] or ""),
                        escape(r[4] or ""),
                        fmt(r[5]),
                        fmt(r[6]),
                        fmt(r[7], "rate"),
                        _link(r[8]),
                    ]
                    for r in rows
                ],
                raw=True,
            )  # fmt: skip
        )
    return _section("outliers", lang, "".join(body))


def _link(url: str | None) -> str:
    # Only web links: a javascript: or data: URL from an export never becomes clickable.
    if not url or not re.match(r"^https?://", url):
        return ""
    return f'<a href="{escape(url, quote=True)}" rel="noopener noreferrer">↗</a>'


def _campaigns(con, client, per: Period, lang: str) -> str:
    where, params = _scope(client)
    rows = con.execute(
        f"""
        SELECT objective, campaign, any_value(currency), sum(spend), sum(impressions),
               sum(results), sum(spend) / nullif(sum(results), 0) AS cpr,
               sum(spend) * 1000 / nullif(sum(impressions), 0),
               sum(spend) / nullif(sum(coalesce(link_clicks, clicks)), 0),
               sum(clicks) / nullif(sum(impressions), 0)
        FROM marts.fct_campaign_daily
        WHERE {where} AND date >= ? AND date < ?
        GROUP BY ALL ORDER BY objective, cpr NULLS LAST
        """,
        [*params, per.start, per.end],
    ).fetchall()
    if not rows:
        return _section("campaigns", lang, "")
    body = []
    for objective in dict.fromkeys(r[0] for r in rows):
        group = [r for r in rows if r[0] == objective]
        body.append(f"<h3>{escape(t('objective', lang))} : {escape(objective or '?')}</h3>")
        body.append(
            charts.hbar(
                [r[1] or "?" for r in group],
                {t("cost_per_result", lang): [r[6] for r in group]},
                kind="money",
                title=objective or "",
            )
        )
        body.append(
            _table(
                [
                    t(k, lang)
                    for k in (
                        "campaign",
                        "spend",
                        "impressions",
                        "results",
                        "cost_per_result",
                        "cpm",
                        "cpc",
                        "ctr",
                    )
                ],
                [
                    [
                        r[1] or "?",
                        f"{fmt(r[3], 'money')} {r[2] or ''}",
                        fmt(r[4]),
                        fmt(r[5]),
                        fmt(r[6], "money"),
                        fmt(r[7], "money"),
                        fmt(r[8], "money"),
                        fmt(r[9], "rate"),
                    ]
                    for r in group
                ],
            )  # fmt: skip
        )
    return _section("campaigns", lang, "".join(body))


def _conversions(con, client, per: Period, lang: str) -> str:
    where, params = _scope(client)
    rows = con.execute(
        f"""
        PIVOT (
            SELECT attribution || ' · ' || platform AS source, conversion_type, conversions
            FROM analytics.conversions_by_source
            WHERE {where} AND month >= ? AND month < ?
        ) ON conversion_type IN ({", ".join(f"'{c}'" for c in CONVERSION_TYPES)})
        USING sum(conversions) GROUP BY source ORDER BY source
        """,
        [*params, per.start, per.end],
    )
    names = [d[0] for d in rows.description][1:]
    data = rows.fetchall()
    keep = [i for i, _ in enumerate(names) if any(r[i + 1] for r in data)]
    names = [names[i] for i in keep]
    data = [(r[0], *(r[i + 1] for i in keep)) for r in data]
    if not data:
        return _section("conversions", lang, "")
    chart = charts.hbar(
        [r[0] for r in data],
        {n: [r[i + 1] for r in data] for i, n in enumerate(names)},
        title=t("conversions", lang),
    )
    table = _table([t("source", lang), *names], [[r[0], *(fmt(v) for v in r[1:])] for r in data])
    return _section("conversions", lang, chart + table)


# --- page -------------------------------------------------------------------------------

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;
max-width:60rem;color:#111827;padding:0 1rem}
h1{margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:2px solid #e5e7eb}
.meta{color:#6b7280}.how{color:#374151;font-style:italic;margin:.3rem 0 .8rem}
.cards{display:flex;flex-wrap:wrap;gap:.8rem;margin:1rem 0}
.card{background:#f3f4f6;border-radius:.5rem;padding:.6rem 1rem;min-width:7rem}
.card .v{font-size:1.4rem;font-weight:600}.card .k{color:#6b7280;font-size:.85rem}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.6rem 0}
th,td{border-bottom:1px solid #e5e7eb;padding:.3rem .5rem;text-align:left}
td{font-variant-numeric:tabular-nums}.heat{padding:.1rem .4rem;border-radius:.3rem}
svg .label,svg .legend{font-size:12px;fill:#374151}svg .value{font-size:11px;fill:#6b7280}
svg .axis{stroke:#9ca3af}.empty{color:#9ca3af}
@media print{h2{break-after:avoid}svg{break-inside:avoid}}
"""

MEASURE = """
addEventListener('load', function () {
  var drawn = 0;
  document.querySelectorAll('svg.chart').forEach(function (svg) {
    var marks = Array.prototype.filter.call(svg.querySelectorAll('.mark'), function (m) {
      var b = m.getBBox(); return b.width > 0 || b.height > 0;
    });
    var box = svg.getBoundingClientRect();
    svg.dataset.marksDrawn = marks.length;
    if (marks.length > 0 && box.width > 0 && box.height > 0) drawn++;
  });
  document.body.dataset.chartsDrawn = drawn;
});
"""


def _page(scope: str, per: Period, as_of, lang: str, sections: list[str]) -> str:
    generated = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(t('title', lang))} — {escape(scope)} — {escape(per.label)}</title>"
        f"<style>{STYLE}</style></head><body>"
        f"<h1>{escape(t('title', lang))} — {escape(scope)}</h1>"
        f'<p class="meta">{escape(t("period", lang))} {escape(per.label)} '
        f"({per.start:%Y-%m-%d} – {per.end - timedelta(days=1):%Y-%m-%d}) · "
        f"{escape(t('generated', lang))} {generated}, {escape(t('data_as_of', lang))} {as_of}</p>"
        + "".join(sections)
        + f"<script>{MEASURE}</script></body></html>"
    )
