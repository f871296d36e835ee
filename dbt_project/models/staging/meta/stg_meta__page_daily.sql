-- Meta page-level series pivoted to one row per client, platform and day. When several
-- exports cover the same day, the newest export wins.
with latest as (
    {{ newest_rows(
        source('raw', 'meta_page_daily'),
        'client, platform, metric, series, date',
        'snapshot_date, loaded_at, source_row_number'
    ) }}
)

select
    client,
    platform,
    date,
    max(value) filter (where metric = 'views' and series = 'primary') as impressions,
    max(value) filter (where metric = 'viewers' and series = 'total') as reach,
    max(value) filter (where metric = 'viewers' and series = 'new') as new_viewers,
    max(value) filter (where metric = 'follows') as new_followers,
    max(value) filter (where metric = 'visits') as page_visits,
    max(value) filter (where metric = 'interactions') as interactions,
    max(value) filter (where metric = 'link_clicks') as link_clicks
from latest
group by client, platform, date
