-- Every platform's post snapshots (post x export date) in one shape, with the post's
-- key, its publication instant in the client's time zone and its content type.
-- New platforms join the `snapshots` union.
--
-- Incremental: a nightly run rebuilds only the (post, export day) pairs that files loaded
-- since the last build touch, each from all its raw rows, so the result equals a full
-- refresh whatever order files arrive in. When the content-type map has changed since the
-- rows were built (content_map_version), every snapshot is rebuilt: a `dbt build` by hand
-- after editing the seed is right without --full-refresh.
{{ config(
    materialized=incremental_or_table(),
    unique_key=['post_key', 'snapshot_date'],
    incremental_strategy='delete+insert',
) }}
{% set content_map_version = seed_version(ref('content_type_map')) %}
{% set post_columns %}
    client, platform, post_id, permalink, source_post_type, custom_labels, caption, is_boosted,
    impressions, impressions_source, reach, reactions, comments, shares, saves, clicks,
    link_clicks, snapshot_date, loaded_at, source_path
{% endset %}
{% set published_at = local_to_instant('published_at_local', "coalesce(c.timezone, 'America/Toronto')") %}

with clients as (
    select client, timezone from {{ ref('stg_clients__clients') }}
),

content_types as (
    select platform, source_post_type, content_type from {{ ref('content_type_map') }}
),

{% if is_incremental() %}
touched as (
    {% set since %}(select coalesce(max(loaded_at), '-infinity'::timestamptz) from {{ this }}){% endset %}
    select client, 'facebook' as platform, post_id, snapshot_date
    from {{ source('raw', 'facebook_posts') }} where loaded_at > {{ since }}
    union
    select client, 'instagram', post_id, snapshot_date
    from {{ source('raw', 'instagram_posts') }} where loaded_at > {{ since }}
    union
    select client, 'linkedin', post_id, snapshot_date
    from {{ source('raw', 'linkedin_posts') }} where loaded_at > {{ since }}
),
{% endif %}

-- Meta exports publish times in the page's zone (the client's); LinkedIn a local date.
snapshots as (
    select {{ post_columns }}, {{ published_at }} as published_at
    from {{ ref('stg_meta__facebook_posts') }}
    left join clients as c using (client)
    union all
    select {{ post_columns }}, {{ published_at }}
    from {{ ref('stg_meta__instagram_posts') }}
    left join clients as c using (client)
    union all
    select {{ post_columns }}, {{ published_at }}
    from {{ ref('stg_linkedin__posts') }}
    left join clients as c using (client)
)

select
    s.client || '/' || s.platform || '/' || s.post_id as post_key,
    s.client,
    s.platform,
    s.post_id,
    s.published_at,
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
    s.source_path,
    '{{ content_map_version }}' as content_map_version
from snapshots as s
left join content_types as ct
    on s.platform = ct.platform and {{ folded('s.source_post_type') }} = ct.source_post_type
{% if is_incremental() %}
where (s.client, s.platform, s.post_id, s.snapshot_date) in (select * from touched)
    or exists (
        select 1 from {{ this }} where content_map_version <> '{{ content_map_version }}'
    )
{% endif %}
