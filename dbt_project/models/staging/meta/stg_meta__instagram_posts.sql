-- One row per Instagram post and snapshot date, in the project's vocabulary.
-- Likes are Instagram's reactions; clicks are link clicks plus profile visits (the
-- clicks the export reports), NULL when the export has neither.
with deduplicated as (
    {{ latest_restatement(source('raw', 'instagram_posts')) }}
)

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
    source_path
from deduplicated
