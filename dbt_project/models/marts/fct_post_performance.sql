-- One row per post: its latest lifetime metrics and the rates derived from them.
-- A metric the source does not report stays NULL; in engagements it counts as 0.
with posts as (
    select * from {{ ref('int_posts_classified') }}
),

conversions as (
    select client, post_key, count(*) as conversions
    from {{ ref('int_conversions_attributed') }}
    group by all
),

-- Conversions are known (0 or more) only for clients who send a conversions file.
clients_with_conversions as (
    select distinct client from {{ ref('stg_conversions__conversions') }}
),

metrics as (
    select
        p.*,
        coalesce(p.reactions, 0) + coalesce(p.comments, 0) + coalesce(p.shares, 0)
            + coalesce(p.saves, 0) + coalesce(p.clicks, 0) as engagements,
        case when k.client is not null then coalesce(c.conversions, 0) end as conversions
    from posts as p
    left join conversions as c on p.post_key = c.post_key
    left join clients_with_conversions as k on p.client = k.client
)

select
    post_key,
    client,
    platform,
    post_id,
    published_at,
    content_type,
    theme,
    is_boosted,
    impressions,
    impressions_source,
    reach,
    {{ safe_ratio('impressions', 'reach') }} as frequency,
    reactions,
    comments,
    shares,
    saves,
    clicks,
    link_clicks,
    engagements,
    {{ safe_ratio('engagements', 'impressions') }} as engagement_rate,
    {{ safe_ratio('engagements', 'reach') }} as engagement_rate_by_reach,
    {{ safe_ratio('clicks', 'impressions') }} as ctr,
    conversions,
    {{ safe_ratio('conversions', 'clicks') }} as conversion_rate,
    snapshot_date as metrics_as_of
from metrics
