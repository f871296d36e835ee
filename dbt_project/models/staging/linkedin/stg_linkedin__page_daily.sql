-- LinkedIn page-level metrics and new followers, one row per client and UTC day.
with metrics as (
    {{ newest_rows(
        source('raw', 'linkedin_page_daily'),
        'client, date',
        'snapshot_date, loaded_at, source_row_number, source_path'
    ) }}
),

followers as (
    {{ newest_rows(
        source('raw', 'linkedin_followers_daily'),
        'client, date',
        'snapshot_date, loaded_at, source_row_number, source_path'
    ) }}
)

select
    coalesce(m.client, f.client) as client,
    'linkedin' as platform,
    coalesce(m.date, f.date) as date,
    coalesce(m.impressions_total, m.impressions_organic + coalesce(m.impressions_sponsored, 0))
        as impressions,
    m.unique_impressions_organic as reach,
    coalesce(m.clicks_total, m.clicks_organic + coalesce(m.clicks_sponsored, 0)) as clicks,
    coalesce(m.reactions_total, m.reactions_organic + coalesce(m.reactions_sponsored, 0))
        as reactions,
    coalesce(m.comments_total, m.comments_organic + coalesce(m.comments_sponsored, 0))
        as comments,
    coalesce(m.reposts_total, m.reposts_organic + coalesce(m.reposts_sponsored, 0)) as shares,
    -- no followers file for the day: not reported (NULL), not 0
    case when f.client is not null then coalesce(f.total_followers,
             coalesce(f.organic_followers, 0) + coalesce(f.sponsored_followers, 0)
             + coalesce(f.auto_invited_followers, 0)) end as new_followers
from metrics as m
full outer join followers as f on m.client = f.client and m.date = f.date
