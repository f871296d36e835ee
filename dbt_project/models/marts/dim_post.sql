-- One row per post, descriptive attributes only (metrics are in fct_post_performance).
--
-- Client-scoped (macros/touched_clients.sql): a night recomputes the clients it loaded
-- files of.
{{ config(
    materialized=incremental_or_table(),
    incremental_strategy='append',
    pre_hook="{{ delete_touched_clients() }}",
) }}
{% set touched = for_touched_clients() %}
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
where {{ touched }}
