-- One row per LinkedIn post and snapshot date. LinkedIn reports no reach (NULL, never 0)
-- and no saves; Reposts are shares. Created date is a UTC day.
with deduplicated as (
    select *
    from {{ source('raw', 'linkedin_posts') }}
    qualify row_number() over (
        partition by client, post_id, snapshot_date
        -- lifetime totals only grow: the larger restatement is the later one, whatever
        -- order the files were copied or loaded in
        order by impressions desc nulls last, loaded_at desc, source_row_number desc
    ) = 1
)

select
    client,
    'linkedin' as platform,
    post_id,
    -- a UTC calendar day; read at midnight UTC, then shown in the client's zone downstream
    cast(created_date as timestamp) as published_at_utc,
    post_link as permalink,
    coalesce(content_type, post_type) as source_post_type,
    cast(null as varchar) as custom_labels,
    post_title as caption,
    coalesce(post_type ilike '%sponsor%', false) or campaign_name is not null as is_boosted,
    impressions,
    'Impressions' as impressions_source,
    cast(null as bigint) as reach,
    likes as reactions,
    comments,
    reposts as shares,
    cast(null as bigint) as saves,
    clicks,
    cast(null as bigint) as link_clicks,
    snapshot_date,
    loaded_at,
    source_path
from deduplicated
