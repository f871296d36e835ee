-- Facebook post snapshots renamed to the project's vocabulary: one row per raw row. Two
-- files can restate a post's day; int_post_snapshots_unioned keeps one (macro
-- latest_restatement) after picking the posts a night touched, which a deduplicating view
-- would not let it do (DuckDB does not push that filter through the grouping).

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
    source_path,
    source_row_number,
    {{ raw_row_id() }} as raw_row_id
from {{ source('raw', 'facebook_posts') }}
