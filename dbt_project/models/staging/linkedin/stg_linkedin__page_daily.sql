-- LinkedIn page-level metrics and new followers, one row per client and UTC day.
-- The two files' days are put side by side by grouping on (client, date), not by a full
-- join: a model that reads some clients' days (fct_account_daily: a night's touched
-- days) filters on the grouped columns, and DuckDB carries that filter down to both
-- files' rows (a full join's coalesced keys stop it: at L both files were deduplicated
-- for every client, 0.13 s a night, for ten clients' days). The dedups join on the date
-- too for the same reason (the loader rejects a row without one).
with metrics as (
    {{ newest_rows(
        source('raw', 'linkedin_page_daily'),
        'client, date',
        'snapshot_date, loaded_at, source_row_number, source_path',
        also_joined_on=['date']
    ) }}
),

followers as (
    {{ newest_rows(
        source('raw', 'linkedin_followers_daily'),
        'client, date',
        'snapshot_date, loaded_at, source_row_number, source_path',
        also_joined_on=['date']
    ) }}
),

days as (
    select
        client,
        date,
        coalesce(impressions_total, impressions_organic + coalesce(impressions_sponsored, 0))
            as impressions,
        unique_impressions_organic as reach,
        coalesce(clicks_total, clicks_organic + coalesce(clicks_sponsored, 0)) as clicks,
        coalesce(reactions_total, reactions_organic + coalesce(reactions_sponsored, 0))
            as reactions,
        coalesce(comments_total, comments_organic + coalesce(comments_sponsored, 0))
            as comments,
        coalesce(reposts_total, reposts_organic + coalesce(reposts_sponsored, 0)) as shares,
        cast(null as bigint) as new_followers
    from metrics
    union all
    select
        client,
        date,
        cast(null as bigint), cast(null as bigint), cast(null as bigint),
        cast(null as bigint), cast(null as bigint), cast(null as bigint),
        -- a followers file for the day: reported; none: NULL, not 0
        coalesce(total_followers,
            coalesce(organic_followers, 0) + coalesce(sponsored_followers, 0)
            + coalesce(auto_invited_followers, 0))
    from followers
)

-- at most one row of each file per client and day (newest_rows): max() takes it
select
    client,
    'linkedin' as platform,
    date,
    max(impressions) as impressions,
    max(reach) as reach,
    max(clicks) as clicks,
    max(reactions) as reactions,
    max(comments) as comments,
    max(shares) as shares,
    max(new_followers) as new_followers
from days
group by client, date
