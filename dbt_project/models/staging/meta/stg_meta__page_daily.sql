-- Meta page-level series pivoted to one row per client, platform and day. When several
-- exports cover the same day, the newest export wins. A day's reach is the `Reach` series
-- where exported (`Facebook reach`, `Couverture`), else Total Viewers; new followers the
-- `Follows` series, else FollowerHistory's day-to-day difference (a net change).
-- The dedup joins on the date as well (never NULL in the raw table): fct_account_daily
-- reads a night's touched days, and that filter then reaches the dedup's aggregate.
with latest as (
    {{ newest_rows(
        source('raw', 'meta_page_daily'),
        'client, platform, metric, series, date',
        'snapshot_date, loaded_at, source_row_number, source_path',
        also_joined_on=['date']
    ) }}
)

select
    client,
    platform,
    date,
    max(value) filter (where metric = 'views' and series in ('primary', 'total'))
        as impressions,
    coalesce(
        max(value) filter (where metric = 'reach' and series in ('primary', 'total')),
        max(value) filter (where metric = 'viewers' and series = 'total')
    ) as reach,
    max(value) filter (where metric = 'viewers' and series = 'new') as new_viewers,
    coalesce(
        max(value) filter (where metric = 'follows' and series in ('primary', 'total')),
        max(value) filter (where metric = 'followers_change')
    ) as new_followers,
    max(value) filter (where metric = 'followers' and series in ('primary', 'total'))
        as followers,
    max(value) filter (where metric = 'visits') as page_visits,
    max(value) filter (where metric = 'interactions') as interactions,
    max(value) filter (where metric = 'link_clicks') as link_clicks
from latest
group by client, platform, date
