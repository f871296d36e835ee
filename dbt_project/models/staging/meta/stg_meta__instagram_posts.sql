-- Instagram post snapshots in the project's vocabulary: one row per raw row, deduplicated
-- in int_post_snapshots_unioned (see stg_meta__facebook_posts).
-- Likes are Instagram's reactions; clicks are link clicks plus profile visits (the
-- clicks the export reports), NULL when the export has neither.
select
    client,
    'instagram' as platform,
    post_id,
    publish_time as published_at_local,
    permalink,
    post_type as source_post_type,
    cast(null as string) as custom_labels,
    description as caption,
    false as is_boosted,  -- the Instagram posts export does not say
    impressions,
    impressions_source,
    reach,
    likes as reactions,
    comments,
    shares,
    saves,
    case when link_clicks is not null or profile_visits is not null
        then coalesce(link_clicks, 0) + coalesce(profile_visits, 0) end as clicks,
    link_clicks,
    snapshot_date,
    loaded_at,
    source_path,
    source_row_number,
    {{ raw_row_id() }} as raw_row_id
from {{ source('raw', 'instagram_posts') }}
