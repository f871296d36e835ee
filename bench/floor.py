"""The fair floor of a full build: one hand-written DuckDB script that computes every mart
from the raw tables and the reference seeds, with the models' rules but none of dbt's
machinery (no views, no incremental bookkeeping, no tests, no comments). `make bench`
times it beside dbt's own time for the same marts, and at S and M checks it against the
pipeline's marts number by number (`disagreements`), so that the floor stays honest.

The rules, as the models state them: the newest restatement per post and export day
(latest load, then the larger total), the newest export day per post, reels by
permalink, theme from override > labels > caption, engagements with missing parts as 0,
conversions restating their scope and attributed post > ad > campaign > platform, Meta's
newest export per ad and window, page series newest per day.
"""

from __future__ import annotations

import re

import duckdb

FOLD = "lower(strip_accents(coalesce({}, '')))"
TZ = "coalesce(c.timezone, 'America/Toronto')"
ENGAGEMENTS = (
    "coalesce(reactions, 0) + coalesce(comments, 0) + coalesce(shares, 0) + coalesce(saves, 0)"
    " + coalesce(clicks, 0)"
)
PLATFORM_OF_SOURCE = """CASE WHEN c.utm_source IN ('facebook', 'fb', 'meta') THEN 'facebook'
                             WHEN c.utm_source IN ('instagram', 'ig') THEN 'instagram'
                             WHEN c.utm_source IN ('linkedin', 'li') THEN 'linkedin' END"""
ATTRIBUTION_DAYS = 7
MIN_POST_AGE_DAYS = 7

SCRIPT = f"""
CREATE OR REPLACE TEMP TABLE floor_dim_client AS
SELECT client, name, sector, timezone, listed AS is_listed_in_register FROM raw.clients;

-- posts: per post and export day the newest restatement, then per post the newest day
CREATE OR REPLACE TEMP TABLE floor_snapshots AS
WITH rows AS (
    SELECT client, 'facebook' AS platform, post_id, publish_time AS local_time, permalink,
           post_type AS source_post_type, custom_labels, coalesce(title, description) AS caption,
           coalesce(impressions_boosted, 0) > 0 OR coalesce(reach_boosted, 0) > 0
               OR regexp_matches({FOLD.format("funded_content_status")}, 'boost|sponsor|financ')
               AS is_boosted,
           impressions, reach, reactions, comments, shares, NULL::BIGINT AS saves,
           total_clicks AS clicks, snapshot_date, loaded_at, source_row_number, source_path
    FROM raw.facebook_posts
    UNION ALL
    SELECT client, 'instagram', post_id, publish_time, permalink, post_type, NULL, description,
           false, impressions, reach, likes, comments, shares, saves,
           CASE WHEN link_clicks IS NOT NULL OR profile_visits IS NOT NULL
                THEN coalesce(link_clicks, 0) + coalesce(profile_visits, 0) END,
           snapshot_date, loaded_at, source_row_number, source_path
    FROM raw.instagram_posts
    UNION ALL
    SELECT client, 'linkedin', post_id, created_date::TIMESTAMP, post_link,
           coalesce(content_type, post_type), NULL, post_title,
           coalesce(post_type ILIKE '%sponsor%', false) OR campaign_name IS NOT NULL,
           impressions, NULL, likes, comments, reposts, NULL, clicks, snapshot_date, loaded_at,
           source_row_number, source_path
    FROM raw.linkedin_posts
),
newest AS (
    SELECT unnest(arg_max(r, (loaded_at, coalesce(impressions, -9223372036854775808),
                              source_row_number, source_path)))
    FROM rows AS r
    GROUP BY client, platform, post_id, snapshot_date
)
SELECT n.client || '/' || n.platform || '/' || n.post_id AS post_key, n.*,
       timezone({TZ}, n.local_time) AS published_at,
       timezone({TZ}, timezone({TZ}, n.local_time))::DATE AS published_date,
       CASE WHEN n.permalink LIKE '%/reel/%' THEN 'reel'
            ELSE coalesce(ct.content_type, 'other') END AS content_type,
       {ENGAGEMENTS} AS engagements
FROM newest AS n
LEFT JOIN raw.clients AS c USING (client)
LEFT JOIN reference.content_type_map AS ct
    ON n.platform = ct.platform AND {FOLD.format("n.source_post_type")} = ct.source_post_type;

CREATE OR REPLACE TEMP TABLE floor_posts AS
WITH latest AS (
    SELECT unnest(arg_max(s, (snapshot_date, loaded_at)))
    FROM floor_snapshots AS s GROUP BY post_key
),
themed AS (
    SELECT l.*, __THEME_OF__(l.custom_labels) AS label_theme,
           __THEME_OF__(l.caption) AS caption_theme
    FROM latest AS l
)
SELECT t.*, coalesce(o.theme, t.label_theme, t.caption_theme, 'other') AS theme,
       CASE WHEN o.theme IS NOT NULL THEN 'override'
            WHEN t.label_theme IS NOT NULL THEN 'custom_label'
            WHEN t.caption_theme IS NOT NULL THEN 'caption' ELSE 'default' END AS theme_source
FROM themed AS t
LEFT JOIN reference.post_theme_overrides AS o
    ON t.client = o.client AND t.platform = o.platform AND t.post_id = o.post_id;

CREATE OR REPLACE TEMP TABLE floor_dim_post AS
SELECT post_key, client, platform, post_id, published_at, content_type, theme, theme_source,
       is_boosted, permalink, source_post_type
FROM floor_posts;

-- conversions: a later file restates its client, types and local days; then one per key
CREATE OR REPLACE TEMP TABLE floor_ads AS
WITH keyed AS (
    SELECT *, coalesce(ad_id, 'name:' || coalesce(campaign_name, '') || '|'
                       || coalesce(adset_name, '') || '|' || coalesce(ad_name, '')) AS ad_key
    FROM raw.meta_ads
),
newest AS (
    SELECT client, ad_key, reporting_start, reporting_end,
           arg_max(source_sha256, (snapshot_date, loaded_at, source_path)) AS source_sha256
    FROM keyed GROUP BY ALL
)
SELECT k.* FROM keyed AS k JOIN newest USING (client, ad_key, reporting_start, reporting_end,
                                             source_sha256);

CREATE OR REPLACE TEMP TABLE floor_ad_windows AS
SELECT client, 'facebook' AS platform, ad_key, max(ad_id) AS ad_id, max(ad_name) AS ad_name,
       max(adset_name) AS adset_name, max(coalesce(campaign_name, adset_name, ad_name)) AS campaign,
       max(campaign_id) AS campaign_id, coalesce(max(objective), 'unknown') AS objective,
       reporting_start AS date, reporting_end AS date_end, sum(amount_spent) AS spend,
       max(currency_code) AS currency, sum(impressions) AS impressions,
       CASE WHEN count(*) = 1 THEN max(reach) END AS reach, sum(clicks_all) AS clicks,
       sum(link_clicks) AS link_clicks, sum(results) AS results,
       CASE WHEN count(DISTINCT result_indicator) <= 1 THEN max(result_indicator)
            ELSE 'mixed' END AS result_indicator,
       coalesce(sum(purchases), 0) + coalesce(sum(leads), 0) AS conversions
FROM floor_ads GROUP BY client, ad_key, reporting_start, reporting_end;

CREATE OR REPLACE TEMP TABLE floor_conversions AS
WITH located AS (
    SELECT r.*, timezone({TZ}, r.occurred_at)::DATE AS local_day
    FROM raw.conversions AS r LEFT JOIN raw.clients AS c USING (client)
),
scopes AS (
    SELECT client, loaded_at, conversion_type, min(local_day) AS first_day,
           max(local_day) AS last_day
    FROM located GROUP BY client, source_path, loaded_at, conversion_type
),
kept AS (
    SELECT r.* FROM located AS r
    ANTI JOIN scopes AS s
        ON s.client = r.client AND s.conversion_type IS NOT DISTINCT FROM r.conversion_type
        AND s.loaded_at > r.loaded_at AND r.local_day BETWEEN s.first_day AND s.last_day
),
current AS (
    SELECT unnest(arg_max(k, (loaded_at, source_row_number, source_path)))
    FROM kept AS k GROUP BY client, conversion_key
),
ads AS (SELECT DISTINCT client, platform, ad_id, campaign FROM floor_ad_windows
        WHERE ad_id IS NOT NULL),
campaigns AS (SELECT client, lower(campaign) AS folded, min(campaign) AS campaign,
                     min(platform) AS platform
              FROM floor_ad_windows GROUP BY client, lower(campaign)),
c AS (SELECT *, lower(utm_source) AS src FROM current)
SELECT c.client || '/' || c.conversion_key AS conversion_id, c.client, c.occurred_at,
       c.conversion_type, c.value, upper(c.currency) AS currency,
       coalesce(p.platform, a.platform, k.platform,
                {PLATFORM_OF_SOURCE.replace("c.utm_source", "c.src")}) AS platform,
       p.post_key, coalesce(a.campaign, k.campaign) AS campaign, a.ad_id,
       CASE WHEN p.post_key IS NOT NULL THEN 'post'
            WHEN a.campaign IS NOT NULL OR k.campaign IS NOT NULL THEN 'campaign'
            WHEN c.src IN ('facebook', 'fb', 'meta', 'instagram', 'ig', 'linkedin', 'li')
                THEN 'platform'
            ELSE 'none' END AS attribution,
       c.src AS utm_source, lower(c.utm_medium) AS utm_medium, c.utm_campaign, c.utm_content
FROM c
LEFT JOIN floor_posts AS p ON c.client = p.client AND c.utm_content = p.post_id
LEFT JOIN ads AS a ON p.post_key IS NULL AND c.client = a.client AND c.utm_content = a.ad_id
LEFT JOIN campaigns AS k ON p.post_key IS NULL AND a.ad_id IS NULL AND c.client = k.client
    AND lower(c.utm_campaign) = k.folded;

CREATE OR REPLACE TEMP TABLE floor_post_performance AS
WITH counted AS (SELECT post_key, count(*) AS conversions FROM floor_conversions
                 WHERE post_key IS NOT NULL GROUP BY ALL),
known AS (SELECT DISTINCT client FROM floor_conversions)
SELECT p.post_key, p.client, p.platform, p.post_id, p.published_at, p.content_type, p.theme,
       p.is_boosted, p.impressions, p.reach, p.impressions / nullif(p.reach, 0) AS frequency,
       p.engagements, p.engagements / nullif(p.impressions, 0) AS engagement_rate,
       p.clicks, p.clicks / nullif(p.impressions, 0) AS ctr,
       CASE WHEN k.client IS NOT NULL THEN coalesce(v.conversions, 0) END AS conversions,
       p.snapshot_date AS metrics_as_of, p.published_date
FROM floor_posts AS p
LEFT JOIN counted AS v USING (post_key)
LEFT JOIN known AS k USING (client);

CREATE OR REPLACE TEMP TABLE floor_content_performance AS
SELECT client, platform, content_type, theme, grain AS period_grain,
       date_trunc(grain, published_date)::DATE AS period_start,
       count(*) AS posts, sum(impressions) AS impressions, sum(reach) AS reach_sum,
       sum(engagements) AS engagements, sum(clicks) AS clicks, sum(conversions) AS conversions,
       sum(engagements) / nullif(sum(impressions), 0) AS engagement_rate
FROM floor_post_performance, (VALUES ('week'), ('month'), ('quarter')) g(grain)
WHERE client IN (SELECT client FROM raw.clients)
GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE floor_post_daily AS
SELECT post_key, client, platform, snapshot_date AS date,
       coalesce(snapshot_date - lag(snapshot_date) OVER w,
                greatest(snapshot_date - published_date + 1, 1), 1) AS days_covered,
       impressions - coalesce(lag(impressions) OVER w, 0) AS impressions,
       engagements - coalesce(lag(engagements) OVER w, 0) AS engagements,
       clicks - coalesce(lag(clicks) OVER w, 0) AS clicks,
       reach AS reach_to_date, impressions AS impressions_to_date,
       engagements AS engagements_to_date,
       coalesce(impressions < lag(impressions) OVER w OR engagements < lag(engagements) OVER w
                OR clicks < lag(clicks) OVER w, false) AS lifetime_decreased
FROM floor_snapshots
WINDOW w AS (PARTITION BY post_key ORDER BY snapshot_date);

CREATE OR REPLACE TEMP TABLE floor_post_at_age AS
WITH published AS (
    SELECT p.post_key, timezone(c.timezone, p.published_at)::DATE AS day
    FROM floor_post_performance AS p JOIN raw.clients AS c USING (client)
)
SELECT p.post_key,
       max(impressions_to_date) FILTER (WHERE d.date = p.day + 1) AS impressions_1d,
       max(reach_to_date) FILTER (WHERE d.date = p.day + 1) AS reach_1d,
       max(engagements_to_date) FILTER (WHERE d.date = p.day + 1) AS engagements_1d,
       max(impressions_to_date) FILTER (WHERE d.date = p.day + 7) AS impressions_7d,
       max(reach_to_date) FILTER (WHERE d.date = p.day + 7) AS reach_7d,
       max(engagements_to_date) FILTER (WHERE d.date = p.day + 7) AS engagements_7d,
       max(impressions_to_date) FILTER (WHERE d.date = p.day + 28) AS impressions_28d,
       max(reach_to_date) FILTER (WHERE d.date = p.day + 28) AS reach_28d,
       max(engagements_to_date) FILTER (WHERE d.date = p.day + 28) AS engagements_28d
FROM published AS p LEFT JOIN floor_post_daily AS d
    ON d.post_key = p.post_key AND d.date IN (p.day + 1, p.day + 7, p.day + 28)
GROUP BY p.post_key;

CREATE OR REPLACE TEMP TABLE floor_post_benchmarks AS
WITH earlier AS (
    SELECT post_key, client, platform, published_at, impressions, metrics_as_of,
           median(impressions) OVER w AS baseline, count(impressions) OVER w AS baseline_posts
    FROM floor_post_performance
    WINDOW w AS (PARTITION BY client, platform ORDER BY published_at
                 RANGE BETWEEN INTERVAL 56 DAYS PRECEDING AND CURRENT ROW EXCLUDE GROUP)
)
SELECT e.post_key, e.client, e.platform, e.published_at, e.impressions,
       CASE WHEN baseline_posts >= 3 THEN baseline END AS baseline_impressions, baseline_posts,
       CASE WHEN baseline_posts >= 3 THEN impressions / nullif(baseline, 0) END
           AS impressions_index,
       CASE WHEN baseline_posts < 3 OR impressions IS NULL THEN 'no_baseline'
            WHEN metrics_as_of - timezone(c.timezone, published_at)::DATE < {MIN_POST_AGE_DAYS}
                THEN 'too_young'
            WHEN impressions >= 1.5 * baseline THEN 'over'
            WHEN impressions <= 0.5 * baseline THEN 'under'
            ELSE 'typical' END AS performance_flag
FROM earlier AS e JOIN raw.clients AS c USING (client);

-- page level: Meta's series pivoted from the newest export per day; LinkedIn's two files
CREATE OR REPLACE TEMP TABLE floor_account_daily AS
WITH meta AS (
    SELECT client, platform, metric, series, date,
           arg_max(value, (snapshot_date, loaded_at, source_row_number, source_path)) AS value
    FROM raw.meta_page_daily GROUP BY ALL
),
li AS (
    SELECT unnest(arg_max(m, (snapshot_date, loaded_at, source_row_number, source_path)))
    FROM raw.linkedin_page_daily AS m GROUP BY client, date
),
lf AS (
    SELECT unnest(arg_max(f, (snapshot_date, loaded_at, source_row_number, source_path)))
    FROM raw.linkedin_followers_daily AS f GROUP BY client, date
)
SELECT client, platform, date,
       max(value) FILTER (WHERE metric = 'views' AND series IN ('primary', 'total')) AS impressions,
       coalesce(max(value) FILTER (WHERE metric = 'reach' AND series IN ('primary', 'total')),
                max(value) FILTER (WHERE metric = 'viewers' AND series = 'total')) AS reach,
       coalesce(max(value) FILTER (WHERE metric = 'follows' AND series IN ('primary', 'total')),
                max(value) FILTER (WHERE metric = 'followers_change')) AS new_followers,
       max(value) FILTER (WHERE metric = 'followers' AND series IN ('primary', 'total'))
           AS followers,
       max(value) FILTER (WHERE metric = 'viewers' AND series = 'new') AS new_viewers,
       max(value) FILTER (WHERE metric = 'visits') AS page_visits,
       max(value) FILTER (WHERE metric = 'interactions') AS interactions,
       max(value) FILTER (WHERE metric = 'link_clicks') AS link_clicks,
       NULL::BIGINT AS clicks
FROM meta GROUP BY client, platform, date
UNION ALL
SELECT coalesce(m.client, f.client), 'linkedin', coalesce(m.date, f.date),
       coalesce(m.impressions_total, m.impressions_organic + coalesce(m.impressions_sponsored, 0)),
       m.unique_impressions_organic,
       CASE WHEN f.client IS NOT NULL THEN coalesce(f.total_followers,
            coalesce(f.organic_followers, 0) + coalesce(f.sponsored_followers, 0)
            + coalesce(f.auto_invited_followers, 0)) END,
       NULL, NULL, NULL,
       coalesce(m.reactions_total, m.reactions_organic + coalesce(m.reactions_sponsored, 0))
       + coalesce(m.comments_total, m.comments_organic + coalesce(m.comments_sponsored, 0))
       + coalesce(m.reposts_total, m.reposts_organic + coalesce(m.reposts_sponsored, 0)),
       NULL,
       coalesce(m.clicks_total, m.clicks_organic + coalesce(m.clicks_sponsored, 0))
FROM li AS m FULL JOIN lf AS f ON m.client = f.client AND m.date = f.date;

-- paid: each client conversion naming an ad (or only its campaign) credited once, to the
-- latest window begun by its local day and ended at most ATTRIBUTION_DAYS before it
CREATE OR REPLACE TEMP TABLE floor_campaign_daily AS
WITH conv AS (
    SELECT v.conversion_id, v.client, lower(v.campaign) AS folded, v.ad_id,
           timezone(c.timezone, v.occurred_at)::DATE AS day
    FROM floor_conversions AS v JOIN raw.clients AS c USING (client)
    WHERE v.attribution = 'campaign'
),
by_ad AS (  -- the latest window first, then the first ad key
    SELECT client, ad_key, date, date_end, count(*) AS n FROM (
        SELECT unnest(arg_min({{'client': a.client, 'ad_key': a.ad_key, 'date': a.date,
                               'date_end': a.date_end}},
                              (-epoch(a.date), -epoch(a.date_end), a.ad_key)))
        FROM conv AS v JOIN floor_ad_windows AS a
            ON v.client = a.client AND v.ad_id = a.ad_id
            AND v.day BETWEEN a.date AND a.date_end + {ATTRIBUTION_DAYS}
        GROUP BY v.client, v.conversion_id
    )
    GROUP BY ALL
),
windows AS (SELECT DISTINCT client, lower(campaign) AS folded, date, date_end
            FROM floor_ad_windows),
by_campaign AS (
    SELECT client, folded, date, date_end, count(*) AS n FROM (
        SELECT unnest(arg_max({{'client': w.client, 'folded': w.folded, 'date': w.date,
                               'date_end': w.date_end}}, (w.date, w.date_end)))
        FROM conv AS v JOIN windows AS w
            ON v.client = w.client AND v.ad_id IS NULL AND v.folded = w.folded
            AND v.day BETWEEN w.date AND w.date_end + {ATTRIBUTION_DAYS}
        GROUP BY v.client, v.conversion_id
    )
    GROUP BY ALL
)
SELECT a.*, a.impressions / nullif(a.reach, 0) AS frequency,
       a.link_clicks / nullif(a.impressions, 0) AS link_ctr,
       a.spend / nullif(a.conversions, 0) AS cost_per_conversion,
       coalesce(b.n, 0) + coalesce(k.n, 0) * coalesce(
           coalesce(a.spend, 0) / nullif(sum(coalesce(a.spend, 0)) OVER cw, 0),
           1.0 / count(*) OVER cw) AS attributed_conversions,
       a.spend * 1000 / nullif(a.impressions, 0) AS cpm,
       a.spend / nullif(coalesce(a.link_clicks, a.clicks), 0) AS cpc
FROM floor_ad_windows AS a
LEFT JOIN by_ad AS b USING (client, ad_key, date, date_end)
LEFT JOIN by_campaign AS k
    ON k.client = a.client AND k.folded = lower(a.campaign) AND k.date = a.date
    AND k.date_end = a.date_end
WINDOW cw AS (PARTITION BY a.client, lower(a.campaign), a.date, a.date_end);

CREATE OR REPLACE TEMP TABLE floor_campaign_segments AS
SELECT client, 'facebook' AS platform, ad_key, reporting_start AS date,
       reporting_end AS date_end, breakdown, value, sum(amount_spent) AS spend,
       max(currency_code) AS currency, sum(impressions) AS impressions,
       sum(clicks_all) AS clicks, sum(results) AS results
FROM (SELECT client, ad_key, reporting_start, reporting_end, amount_spent, currency_code,
             impressions, clicks_all, results, breakdown_age AS age,
             breakdown_gender AS gender, breakdown_country AS country,
             breakdown_region AS region, breakdown_placement AS placement,
             breakdown_platform AS platform, breakdown_device_platform AS device_platform
      FROM floor_ads)
UNPIVOT (value FOR breakdown IN (age, gender, country, region, placement, platform,
                                 device_platform))
GROUP BY ALL;
"""

# mart -> (its keys, the columns compared); every mart of marts/ is here
MARTS = {
    "dim_client": (["client"], ["name", "sector", "timezone", "is_listed_in_register"]),
    "dim_post": (
        ["post_key"],
        ["published_at", "content_type", "theme", "theme_source", "is_boosted", "permalink"],
    ),
    "fct_post_performance": (
        ["post_key"],
        ["published_at", "content_type", "theme", "is_boosted", "impressions", "reach",
         "frequency", "engagements", "engagement_rate", "clicks", "ctr", "conversions",
         "metrics_as_of"],
    ),
    "fct_content_performance": (
        ["client", "platform", "content_type", "theme", "period_grain", "period_start"],
        ["posts", "impressions", "reach_sum", "engagements", "clicks", "conversions",
         "engagement_rate"],
    ),
    "fct_post_daily": (
        ["post_key", "date"],
        ["days_covered", "impressions", "engagements", "clicks", "reach_to_date",
         "impressions_to_date", "engagements_to_date", "lifetime_decreased"],
    ),
    "fct_post_at_age": (
        ["post_key"],
        [f"{m}_{d}d" for d in (1, 7, 28) for m in ("impressions", "reach", "engagements")],
    ),
    "fct_post_benchmarks": (
        ["post_key"],
        ["baseline_impressions", "baseline_posts", "impressions_index", "performance_flag"],
    ),
    "fct_account_daily": (
        ["client", "platform", "date"],
        ["impressions", "reach", "new_followers", "followers", "new_viewers", "page_visits",
         "interactions", "link_clicks", "clicks"],
    ),
    "fct_conversions": (
        ["conversion_id"],
        ["occurred_at", "conversion_type", "value", "currency", "platform", "post_key",
         "campaign", "ad_id", "attribution"],
    ),
    "fct_campaign_daily": (
        ["client", "ad_key", "date", "date_end"],
        ["campaign", "objective", "spend", "impressions", "reach", "frequency", "clicks",
         "link_clicks", "results", "result_indicator", "conversions", "link_ctr",
         "attributed_conversions", "cpm", "cpc"],
    ),
    "fct_campaign_segments": (
        ["client", "ad_key", "date", "date_end", "breakdown", "value"],
        ["spend", "currency", "impressions", "clicks", "results"],
    ),
}  # fmt: skip


def floor_script(con: duckdb.DuckDBPyConnection) -> str:
    """SCRIPT with the theme rules of the reference.theme_keywords seed written in: one
    constant pattern per theme, compiled once."""
    rules = con.execute(
        "SELECT theme, string_agg(keyword, '|' ORDER BY keyword) FROM reference.theme_keywords "
        "GROUP BY theme ORDER BY min(priority), theme"
    ).fetchall()

    def theme_of(match: re.Match) -> str:
        text = FOLD.format(match.group(1))
        whens = " ".join(
            f"WHEN regexp_matches({text}, '(^|[^a-z0-9])({words.replace(chr(39), chr(39) * 2)})"
            f"(s|x)?($|[^a-z0-9])') THEN '{theme}'"
            for theme, words in rules
        )
        return f"CASE {whens} END" if rules else "NULL::VARCHAR"

    return re.sub(r"__THEME_OF__\(([^)]*)\)", theme_of, SCRIPT)


def compute(con: duckdb.DuckDBPyConnection) -> int:
    """Every floor_<mart> temp table; returns their rows in all."""
    con.execute(floor_script(con))
    return sum(
        con.execute(f"SELECT count(*) FROM {floor_table(mart)}").fetchall()[0][0] for mart in MARTS
    )


def floor_table(mart: str) -> str:
    return "floor_" + mart.removeprefix("fct_")


def disagreements(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Per mart, the rows only one side has and the cells that differ (numbers beyond
    1e-6), the floor's temp tables against marts.* on the same connection."""
    out = {}
    for mart, (keys, columns) in MARTS.items():
        on = " AND ".join(f"m.{k} IS NOT DISTINCT FROM f.{k}" for k in keys)
        differs = " + ".join(
            f"(CASE WHEN {_differ(f'm.{c}', f'f.{c}')} THEN 1 ELSE 0 END)" for c in columns
        )
        missing, cells = con.execute(
            f"SELECT count(*) FILTER (WHERE m.{keys[0]} IS NULL OR f.{keys[0]} IS NULL), "
            f"coalesce(sum({differs}) FILTER (WHERE m.{keys[0]} IS NOT NULL "
            f"AND f.{keys[0]} IS NOT NULL), 0) "
            f"FROM marts.{mart} AS m FULL JOIN {floor_table(mart)} AS f ON {on}"
        ).fetchall()[0]
        out[f"duckdb_floor vs pipeline: {mart} rows missing"] = int(missing)
        out[f"duckdb_floor vs pipeline: {mart} cells differing"] = int(cells)
    return out


def _differ(a: str, b: str) -> str:
    numeric = f"TRY_CAST({a} AS DOUBLE) IS NOT NULL AND TRY_CAST({b} AS DOUBLE) IS NOT NULL"
    return (
        f"CASE WHEN {numeric} THEN abs(TRY_CAST({a} AS DOUBLE) - TRY_CAST({b} AS DOUBLE)) > 1e-6 "
        f"ELSE {a}::VARCHAR IS DISTINCT FROM {b}::VARCHAR END"
    )
