-- One row per Instagram post and snapshot date, in the project's vocabulary.
-- Likes are Instagram's reactions; clicks are link clicks plus profile visits (the
-- clicks the export reports), NULL when the export has neither.
with deduplicated as (
    select *
    from {{ source('raw', 'instagram_posts') }}
    qualify row_number() over (
        partition by client, post_id, snapshot_date
        -- lifetime totals only grow: the larger restatement is the later one, whatever
        -- order the files were copied or loaded in
        order by impressions desc nulls last, loaded_at desc, source_row_number desc
    ) = 1
)

select
    client,
    'instagram' as platform,
    post_id,
    publish_time as published_at_local,
    permalink,
    post_type as source_post_type,
    cast(null as varchar) as custom_labels,
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
