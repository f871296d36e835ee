-- One row per post: its latest snapshot, with its theme. The theme comes from, in order:
-- the analysts' override seed, the post's Custom labels, its caption and hashtags, else 'other'.
-- Keywords match whole words, plural (s, x) included (macro theme_rules).
--
-- A table: the marts and the tests read it several times a build.
{{ config(materialized='table') }}
{% set keywords = ref('theme_keywords') %}
with latest as (
    select *
    from {{ ref('int_post_snapshots_unioned') }}
    qualify row_number() over (partition by post_key order by snapshot_date desc, loaded_at desc) = 1
),

themed as (
    select
        *,
        {{ theme_rules(folded('custom_labels'), keywords) }} as label_theme,
        {{ theme_rules(folded('caption'), keywords) }} as caption_theme
    from latest
),

overrides as (
    select client, platform, post_id, theme from {{ ref('post_theme_overrides') }}
)

select
    t.* exclude (label_theme, caption_theme),
    coalesce(o.theme, t.label_theme, t.caption_theme, 'other') as theme,
    case
        when o.theme is not null then 'override'
        when t.label_theme is not null then 'custom_label'
        when t.caption_theme is not null then 'caption'
        else 'default'
    end as theme_source
from themed as t
left join overrides as o
    on t.client = o.client and t.platform = o.platform and t.post_id = o.post_id
