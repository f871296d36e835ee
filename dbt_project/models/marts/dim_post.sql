-- One row per post, descriptive attributes only (metrics are in fct_post_performance).
select
    post_key,
    client,
    platform,
    post_id,
    published_at,
    content_type,
    theme,
    theme_source,
    is_boosted,
    permalink,
    source_post_type
from {{ ref('int_posts_classified') }}
