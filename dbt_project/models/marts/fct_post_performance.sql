-- One row per post: its latest lifetime metrics and the rates derived from them.
-- A metric the source does not report stays NULL; in engagements it counts as 0.
with posts as (
    select * from {{ ref('int_posts_classified') }}
),

metrics as (
    select
        *,
        coalesce(reactions, 0) + coalesce(comments, 0) + coalesce(shares, 0)
            + coalesce(saves, 0) + coalesce(clicks, 0) as engagements,
        -- Conversions are attributed once conversion files are ingested; unknown until then.
        cast(null as bigint) as conversions
    from posts
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
