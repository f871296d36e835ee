-- Each post against its client-platform baseline: the median impressions of the posts
-- published in the 8 weeks before it. impressions_index = impressions / baseline;
-- over (>= 1.5), under (<= 0.5), typical between; NULL index and flag 'no_baseline' when
-- fewer than 3 earlier posts exist; 'too_young' when the post's numbers are fewer than
-- var('min_post_age_days') days old (a post a day old has not had its reach yet: it would
-- read as 'under' against posts that had weeks).
--
-- "Published earlier" is the 56 days before the post's instant, posts of that same instant
-- excluded (macro median_of_earlier: a window on DuckDB, a self-join on Spark).
--
-- Client-scoped (macros/touched_clients.sql): a night recomputes the clients it loaded
-- files of.
{{ config(
    materialized=incremental_or_table(),
    incremental_strategy='append',
    pre_hook="{{ delete_touched_clients() }}",
) }}
{% set touched = for_touched_clients() %}
with performance as (
    select * from {{ ref('fct_post_performance') }}
    where {{ touched }}
),

baselines as (
    select p.post_key, p.client, p.platform, p.published_at, p.impressions, p.metrics_as_of,
        e.baseline_impressions, e.baseline_posts
    from performance as p
    join (
        {{ median_of_earlier(
            'performance', 'post_key', ['client', 'platform'], 'published_at',
            'impressions', 56
        ) }}
    ) as e using (post_key)
)

select
    b.post_key,
    b.client,
    b.platform,
    b.published_at,
    b.impressions,
    case when b.baseline_posts >= 3 then b.baseline_impressions end as baseline_impressions,
    b.baseline_posts,
    case when b.baseline_posts >= 3
        then {{ safe_ratio('b.impressions', 'b.baseline_impressions') }} end as impressions_index,
    case
        when b.baseline_posts < 3 or b.impressions is null then 'no_baseline'
        when {{ days_between(
            'cast(' ~ instant_to_local('b.published_at', 'c.timezone') ~ ' as date)', 'b.metrics_as_of'
        ) }} < {{ var('min_post_age_days') }} then 'too_young'
        when b.impressions >= 1.5 * b.baseline_impressions then 'over'
        when b.impressions <= 0.5 * b.baseline_impressions then 'under'
        else 'typical'
    end as performance_flag
from baselines as b
join {{ ref('dim_client') }} as c using (client)
