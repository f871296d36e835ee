"""`socialwh report`: one self-contained HTML file from the published warehouse.

DuckDB computes every figure (from the `analytics` views and the marts, read-only;
sections.py), a Jinja2 template (templates/, autoescaped) lays them out. Nothing is
fetched from the network: styles and charts are inline, so the file opens offline and
can be e-mailed as is. A small inline script only measures the charts once drawn
(`data-charts-drawn` on <body>), for the browser test.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import jinja2

from pipelines.report.blocks import Link
from pipelines.report.locale import Formatter
from pipelines.report.sections import Sections
from pipelines.report.texts import t
from pipelines.settings import Paths

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

    @property
    def grain(self) -> str:
        """The period grain of analytics.scorecard whose one period this is."""
        return "quarter" if "-Q" in self.label else "month" if "-" in self.label else "year"

    def shown(self, lang: str) -> str:
        """As a reader of `lang` writes it: T1 2026 / Q1 2026, mars 2026 / March 2026."""
        f = Formatter(lang)
        if "-Q" in self.label:
            return f.quarter(self.start)
        if "-" in self.label:
            return f.month(self.start)
        return self.label


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
        sections = Sections(con, client, per, lang).all()
    return _page(scope_name, per, as_of, lang, sections)


def write_report(p: Paths, out: Path, client: str | None, period: str | None, lang: str) -> Path:
    html = build_report(p, client, period, lang)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(out)
    return out


# --- page -------------------------------------------------------------------------------


def _is_web_url(url: object) -> bool:
    """Only web links: a javascript: or data: URL from an export never becomes clickable."""
    return isinstance(url, str) and re.match(r"^https?://", url) is not None


@functools.cache
def _templates() -> jinja2.Environment:
    """One environment per process: Jinja2 caches the parsed templates in it."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("pipelines.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    env.tests["web_url"] = _is_web_url
    return env


def _link(url: str | None) -> str:
    """A post's link cell as the page renders it."""
    return str(_templates().get_template("blocks.html.j2").module.cell_html(Link(url)))


def _page(scope: str, per: Period, as_of, lang: str, sections: list) -> str:
    return (
        _templates()
        .get_template("report.html.j2")
        .render(
            lang=lang,
            title=t("title", lang),
            scope=scope,
            period=per,
            period_shown=per.shown(lang),
            last_day=per.end - timedelta(days=1),
            period_word=t("period", lang),
            generated_word=t("generated", lang),
            generated=datetime.now().astimezone().strftime("%Y-%m-%d %H:%M"),
            data_as_of_word=t("data_as_of", lang),
            as_of=as_of,
            no_data=t("no_data", lang),
            sections=sections,
        )
    )
