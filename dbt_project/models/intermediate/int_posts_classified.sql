-- One row per post: its latest snapshot, with its theme. The theme comes from, in order:
-- the analysts' override seed, the post's Custom labels, its caption and hashtags, else 'other'.
-- Keywords match whole words, plural (s, x) included (macro theme_rules).
--
-- Incremental: a night reclassifies only the posts with a snapshot loaded since the last
-- build. What the seeds shape is rebuilt inside the model, so that a `dbt build` by hand
-- after an analyst edits one is right without --full-refresh: every post when the keyword
-- rules (theme_keywords) or the content types (content_type_map) changed since its row was
-- built, the posts whose override was added, changed or removed, and every post of a
-- client whose time zone was corrected (their publication instants move).
{{ config(
    materialized=incremental_or_table(),
    unique_key='post_key',
    incremental_strategy='delete+insert',
) }}
{% set keywords = ref('theme_keywords') %}
{% set snapshots = ref('int_post_snapshots_unioned') %}
{% set label_rules = theme_rules(folded('custom_labels'), keywords) %}
{% set caption_rules = theme_rules(folded('caption'), keywords) %}
{% set theme_rules_version = local_md5(label_rules ~ caption_rules) %}
{% set content_map_version = seed_version(ref('content_type_map')) %}
{# the posts a night reclassifies: new snapshots, changed rules, changed overrides #}
{% set reclassified %}
        post_key in (
            select post_key from {{ snapshots }}
            where loaded_at > (select coalesce(max(loaded_at), '-infinity'::timestamptz) from {{ this }})
        )
        or exists (
            select 1 from {{ this }}
            where theme_rules_version <> '{{ theme_rules_version }}'
                or content_map_version <> '{{ content_map_version }}'
        )
        or post_key in (  -- an override added, changed or removed
            select coalesce(t.post_key, o.post_key)
            from (select post_key, theme from {{ this }} where theme_source = 'override') as t
            full join (
                select client || '/' || platform || '/' || post_id as post_key, theme
                from {{ ref('post_theme_overrides') }}
            ) as o using (post_key)
            where t.theme is distinct from o.theme
        )
        or client in (  -- its time zone corrected in clients.csv
            select t.client from {{ this }} as t
            left join {{ ref('stg_clients__clients') }} as c using (client)
            where t.timezone is distinct from coalesce(c.timezone, 'America/Toronto')
        )
{% endset %}
-- the newest snapshot of each post (ties: the later load), picked over the keys and read
-- whole: a window over every column would sort the captions along
with latest as (
    {{ newest_rows(
        snapshots, 'post_key', 'snapshot_date, loaded_at',
        where=reclassified if is_incremental() else none
    ) }}
),

themed as (
    select
        *,
        {{ label_rules }} as label_theme,
        {{ caption_rules }} as caption_theme
    from latest
),

overrides as (
    select client, platform, post_id, theme from {{ ref('post_theme_overrides') }}
)

select
    t.post_key, t.client, t.platform, t.post_id, t.published_at, t.timezone, t.permalink,
    t.source_post_type, t.content_type, t.custom_labels, t.caption, t.is_boosted,
    t.impressions, t.impressions_source, t.reach, t.reactions, t.comments, t.shares, t.saves,
    t.clicks, t.link_clicks, t.snapshot_date, t.loaded_at, t.source_path,
    t.content_map_version,
    coalesce(o.theme, t.label_theme, t.caption_theme, 'other') as theme,
    case
        when o.theme is not null then 'override'
        when t.label_theme is not null then 'custom_label'
        when t.caption_theme is not null then 'caption'
        else 'default'
    end as theme_source,
    '{{ theme_rules_version }}' as theme_rules_version
from themed as t
left join overrides as o
    on t.client = o.client and t.platform = o.platform and t.post_id = o.post_id
