-- One row per post: its latest snapshot, with its theme. The theme comes from, in order:
-- the analysts' override seed, the post's Custom labels, its caption and hashtags, else 'other'.
-- Keywords match whole words, plural (s, x) included (macro theme_rules).
--
-- Incremental: a night reclassifies only the posts with a snapshot loaded since the last
-- build; a change of the seeds or rules makes the pipeline rebuild it in full
-- (pipelines/build_state.py).
{{ config(
    materialized='incremental',
    unique_key='post_key',
    incremental_strategy='delete+insert',
) }}
{% set keywords = ref('theme_keywords') %}
{% set snapshots = ref('int_post_snapshots_unioned') %}
-- the newest snapshot of each post (ties: the later load), picked over the keys and read
-- whole: a window over every column would sort the captions along
with latest as (
    select *
    from {{ snapshots }}
    where rowid in (
        select arg_max(rowid, (snapshot_date, loaded_at))
        from {{ snapshots }}
        {% if is_incremental() %}
        where post_key in (
            select post_key from {{ snapshots }}
            where loaded_at > (select coalesce(max(loaded_at), '-infinity'::timestamptz) from {{ this }})
        )
        {% endif %}
        group by post_key
    )
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
