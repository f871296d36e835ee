"""The notebook reference: fct_post_performance and fct_content_performance as an analyst
would compute them with pandas from the same raw tables (the floor of every mart, a
hand-written DuckDB script, is bench/floor.py).

It follows the models' rules (latest restatement per post and day, latest snapshot per
post, reel detection, content-type map, theme from override > labels > caption, engagements
with missing parts as 0, conversions attributed by utm_content = post id). `compare()`
says where it and the pipeline disagree.
"""

from __future__ import annotations

import re
import unicodedata

import duckdb
import pandas as pd

POST_COLUMNS = ["post_key", "content_type", "theme", "impressions", "reach", "engagements",
                "clicks", "conversions"]  # fmt: skip
CONTENT_KEYS = ["client", "platform", "content_type", "theme", "period_grain", "period_start"]
CONTENT_METRICS = ["posts", "impressions", "reach_sum", "engagements", "clicks", "conversions"]


def _fold(s: pd.Series) -> pd.Series:
    return s.fillna("").map(
        lambda t: "".join(
            c for c in unicodedata.normalize("NFKD", t) if not unicodedata.combining(c)
        ).lower()
    )


def pandas_reference(con: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The same tables the way a notebook would: read the raw tables, then pandas only."""
    fb = con.sql("FROM raw.facebook_posts").df()
    ig = con.sql("FROM raw.instagram_posts").df()
    li = con.sql("FROM raw.linkedin_posts").df()
    clients = con.sql("FROM raw.clients").df()
    types = con.sql("FROM reference.content_type_map").df()
    keywords = con.sql("FROM reference.theme_keywords").df().sort_values("priority")
    overrides = con.sql("FROM reference.post_theme_overrides").df()
    conversions = con.sql("FROM raw.conversions").df()

    def frame(df, platform, **cols):
        out = pd.DataFrame({"client": df["client"], "platform": platform, "post_id": df["post_id"]})
        for name, value in cols.items():
            out[name] = value if not isinstance(value, str) else df[value]
        for name in ("snapshot_date", "loaded_at", "source_row_number"):
            out[name] = df[name]
        return out

    ig_clicks = ig["link_clicks"].fillna(0) + ig["profile_visits"].fillna(0)
    ig_clicks[ig["link_clicks"].isna() & ig["profile_visits"].isna()] = pd.NA
    snaps = pd.concat(
        [
            frame(fb, "facebook", local_time="publish_time", utc_time=pd.NaT,
                  permalink="permalink", source_post_type="post_type",
                  custom_labels="custom_labels",
                  caption=fb["title"].fillna(fb["description"]), impressions="impressions",
                  reach="reach", reactions="reactions", comments="comments", shares="shares",
                  saves=pd.NA, clicks="total_clicks"),
            frame(ig, "instagram", local_time="publish_time", utc_time=pd.NaT,
                  permalink="permalink", source_post_type="post_type", custom_labels=pd.NA,
                  caption="description", impressions="impressions", reach="reach",
                  reactions="likes", comments="comments", shares="shares", saves="saves",
                  clicks=ig_clicks),
            frame(li, "linkedin", local_time=pd.to_datetime(li["created_date"]), utc_time=pd.NaT,
                  permalink="post_link",
                  source_post_type=li["content_type"].fillna(li["post_type"]),
                  custom_labels=pd.NA, caption="post_title", impressions="impressions",
                  reach=pd.NA, reactions="likes", comments="comments", shares="reposts",
                  saves=pd.NA, clicks="clicks"),
        ],
        ignore_index=True,
    )  # fmt: skip
    snaps["impressions_order"] = snaps["impressions"].fillna(-1)
    latest = snaps.sort_values(
        ["snapshot_date", "impressions_order", "loaded_at", "source_row_number"],
        ascending=False,
    ).drop_duplicates(["client", "platform", "post_id"])
    posts = latest.merge(clients[["client", "timezone"]], on="client", how="left")
    posts["timezone"] = posts["timezone"].fillna("America/Toronto")
    posts["post_key"] = posts["client"] + "/" + posts["platform"] + "/" + posts["post_id"]
    posts["published_date"] = [
        (pd.Timestamp(u).tz_localize("UTC") if pd.notna(u) else pd.Timestamp(loc).tz_localize(tz))
        .tz_convert(tz)
        .date()
        for u, loc, tz in zip(
            posts["utc_time"], posts["local_time"], posts["timezone"], strict=True
        )
    ]
    posts["folded_type"] = _fold(posts["source_post_type"].astype("object"))
    posts = posts.merge(
        types.rename(columns={"source_post_type": "folded_type"}),
        on=["platform", "folded_type"],
        how="left",
    )
    posts["content_type"] = posts["content_type"].fillna("other")
    posts.loc[posts["permalink"].fillna("").str.contains("/reel/", regex=False), "content_type"] = (
        "reel"
    )

    def theme_of(texts: pd.Series) -> pd.Series:
        folded = _fold(texts.astype("object"))
        found = pd.Series(pd.NA, index=texts.index, dtype="object")
        for kw, theme in zip(keywords["keyword"], keywords["theme"], strict=True):
            pattern = re.compile(f"(^|[^a-z0-9]){kw}(s|x)?($|[^a-z0-9])")
            hit = folded.map(lambda t, p=pattern: bool(p.search(t))) & found.isna()
            found[hit] = theme
        return found

    posts["theme"] = theme_of(posts["custom_labels"]).fillna(theme_of(posts["caption"]))
    posts = posts.merge(
        overrides.rename(columns={"theme": "override"}),
        on=["client", "platform", "post_id"],
        how="left",
    )
    posts["theme"] = posts["override"].fillna(posts["theme"]).fillna("other")
    posts["engagements"] = sum(
        posts[c].astype("Float64").fillna(0)
        for c in ("reactions", "comments", "shares", "saves", "clicks")
    )
    conv = conversions.sort_values(["loaded_at", "source_row_number"], ascending=False)
    conv = conv.drop_duplicates(["client", "conversion_key"])
    per_post = conv.groupby(["client", "utm_content"]).size().rename("conversions").reset_index()
    posts = posts.merge(
        per_post.rename(columns={"utm_content": "post_id"}), on=["client", "post_id"], how="left"
    )
    with_conv = set(conversions["client"])
    posts["conversions"] = posts["conversions"].fillna(0).where(posts["client"].isin(with_conv))
    post_perf = posts[["post_key", "client", "platform", "content_type", "theme",
                       "published_date", "impressions", "reach", "engagements", "clicks",
                       "conversions"]]  # fmt: skip

    grains = []
    dates = pd.to_datetime(post_perf["published_date"])
    for grain, start in (
        ("week", dates - pd.to_timedelta(dates.dt.weekday, unit="D")),
        ("month", dates.dt.to_period("M").dt.start_time),
        ("quarter", dates.dt.to_period("Q").dt.start_time),
    ):
        grains.append(post_perf.assign(period_grain=grain, period_start=start.dt.date))
    content = (
        pd.concat(grains)
        .groupby(CONTENT_KEYS, dropna=False)
        .agg(
            posts=("post_key", "size"),
            impressions=("impressions", _sql_sum),
            reach_sum=("reach", _sql_sum),
            engagements=("engagements", _sql_sum),
            clicks=("clicks", _sql_sum),
            conversions=("conversions", _sql_sum),
        )
        .reset_index()
    )
    return post_perf, content


def _sql_sum(values: pd.Series):
    return values.sum(min_count=1)  # like SQL: the sum of nothing known is NULL, not 0


def pipeline_tables(con: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, pd.DataFrame]:
    return (
        con.sql(f"SELECT {', '.join(POST_COLUMNS)} FROM marts.fct_post_performance").df(),
        con.sql(
            f"SELECT {', '.join(CONTENT_KEYS + CONTENT_METRICS)} FROM marts.fct_content_performance"
        ).df(),
    )


def compare(name: str, ours: tuple, theirs: tuple) -> dict[str, int]:
    """Rows and cells where `theirs` differs from the pipeline's tables (0 = agree)."""
    out = {}
    for label, keys, metrics, a, b in (
        ("fct_post_performance", ["post_key"], POST_COLUMNS[1:], ours[0], theirs[0]),
        ("fct_content_performance", CONTENT_KEYS, CONTENT_METRICS, ours[1], theirs[1]),
    ):
        a = a.astype({k: "string" for k in keys})
        b = b.astype({k: "string" for k in keys})
        merged = a.merge(b, on=keys, how="outer", suffixes=("", "_ref"), indicator=True)
        missing = int((merged["_merge"] != "both").sum())
        differing = 0
        for m in metrics:
            left, right = merged[m], merged[f"{m}_ref"]
            if m in ("content_type", "theme"):
                same = (left.astype("string") == right.astype("string")).fillna(False)
            else:
                left = pd.to_numeric(left, errors="coerce").astype("Float64")
                right = pd.to_numeric(right, errors="coerce").astype("Float64")
                same = ((left - right).abs() < 1e-6) | (left.isna() & right.isna())
            differing += int((~same.fillna(False))[merged["_merge"] == "both"].sum())
        out[f"{name} vs pipeline: {label} rows missing"] = missing
        out[f"{name} vs pipeline: {label} cells differing"] = differing
    return out
