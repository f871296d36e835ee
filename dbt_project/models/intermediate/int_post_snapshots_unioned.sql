-- Every platform's post snapshots (post x export date) in one shape, with the post's
-- key, its publication instant in the client's time zone and its content type.
-- New platforms join here with a `union all`.
with snapshots as (
    select * from {{ ref('stg_meta__facebook_posts') }}
),

clients as (
    select client, timezone from {{ ref('stg_clients__clients') }}
),

content_types as (
    select platform, source_post_type, content_type from {{ ref('content_type_map') }}
)

select
    s.client || '/' || s.platform || '/' || s.post_id as post_key,
    s.client,
    s.platform,
    s.post_id,
    timezone(coalesce(c.timezone, 'America/Toronto'), s.published_at_local) as published_at,
    s.permalink,
    s.source_post_type,
    case
        -- Meta labels many reels "Videos"; the permalink tells.
        when s.permalink like '%/reel/%' then 'reel'
        else coalesce(ct.content_type, 'other')
    end as content_type,
    s.custom_labels,
    s.caption,
    s.is_boosted,
    s.impressions,
    s.impressions_source,
    s.reach,
    s.reactions,
    s.comments,
    s.shares,
    s.saves,
    s.clicks,
    s.link_clicks,
    s.snapshot_date,
    s.loaded_at,
    s.source_path
from snapshots as s
left join clients as c on s.client = c.client
left join content_types as ct
    on s.platform = ct.platform and {{ folded('s.source_post_type') }} = ct.source_post_type
