-- One row per post: its latest snapshot, with its theme. The theme comes from, in order:
-- the analysts' override seed, the post's Custom labels, its caption and hashtags, else 'other'.
-- Keywords match whole words, plural (s, x) included.
with latest as (
    select *
    from {{ ref('int_post_snapshots_unioned') }}
    qualify row_number() over (partition by post_key order by snapshot_date desc, loaded_at desc) = 1
),

keywords as (
    select theme, keyword, priority from {{ ref('theme_keywords') }}
),

matches as (
    select
        l.post_key,
        min_by(k.theme, k.priority) filter (
            where regexp_matches({{ folded('l.custom_labels') }},
                                 '(^|[^a-z0-9])' || k.keyword || '(s|x)?($|[^a-z0-9])')
        ) as label_theme,
        min_by(k.theme, k.priority) filter (
            where regexp_matches({{ folded('l.caption') }},
                                 '(^|[^a-z0-9])' || k.keyword || '(s|x)?($|[^a-z0-9])')
        ) as caption_theme
    from latest as l
    cross join keywords as k
    group by l.post_key
),

overrides as (
    select client, platform, post_id, theme from {{ ref('post_theme_overrides') }}
)

select
    l.*,
    coalesce(o.theme, m.label_theme, m.caption_theme, 'other') as theme,
    case
        when o.theme is not null then 'override'
        when m.label_theme is not null then 'custom_label'
        when m.caption_theme is not null then 'caption'
        else 'default'
    end as theme_source
from latest as l
left join matches as m on l.post_key = m.post_key
left join overrides as o
    on l.client = o.client and l.platform = o.platform and l.post_id = o.post_id
