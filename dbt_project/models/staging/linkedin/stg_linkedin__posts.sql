-- LinkedIn post snapshots: one row per raw row, deduplicated in int_post_snapshots_unioned
-- (see stg_meta__facebook_posts). LinkedIn reports no reach (NULL, never 0)
-- and no saves; Reposts are shares. Created date is the page's local calendar day, as
-- LinkedIn shows it: never shifted by a time zone.
select
    client,
    'linkedin' as platform,
    post_id,
    -- no time of day: local midnight, so that its local date is the Created date
    cast(created_date as timestamp) as published_at_local,
    post_link as permalink,
    coalesce(content_type, post_type) as source_post_type,
    cast(null as string) as custom_labels,
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
    source_path,
    source_row_number,
    {{ raw_row_id() }} as raw_row_id
from {{ source('raw', 'linkedin_posts') }}
