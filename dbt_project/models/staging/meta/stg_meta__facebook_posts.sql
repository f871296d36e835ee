-- One row per Facebook post and snapshot date, renamed to the project's vocabulary.
-- When two files of the same day restate a post, the larger (later) restatement wins.
with deduplicated as (
    {{ latest_restatement(source('raw', 'facebook_posts')) }}
)

select
    client,
    'facebook' as platform,
    post_id,
    publish_time as published_at_local,
    permalink,
    post_type as source_post_type,
    custom_labels,
    coalesce(title, description) as caption,
    coalesce(impressions_boosted, 0) > 0
        or coalesce(reach_boosted, 0) > 0
        or {{ regexp_contains(folded('funded_content_status'), "'boost|sponsor|financ'") }}
        as is_boosted,
    impressions,
    impressions_source,
    reach,
    reactions,
    comments,
    shares,
    cast(null as bigint) as saves,  -- Facebook posts exports have no saves
    total_clicks as clicks,
    link_clicks,
    snapshot_date,
    loaded_at,
    source_path
from deduplicated
