-- Each post against its client-platform baseline: the median impressions of the posts
-- published in the 8 weeks before it. impressions_index = impressions / baseline;
-- over (>= 1.5), under (<= 0.5), typical between; NULL index and flag 'no_baseline' when
-- fewer than 3 earlier posts exist; 'too_young' when the post's numbers are fewer than
-- var('min_post_age_days') days old (a post a day old has not had its reach yet: it would
-- read as 'under' against posts that had weeks).
--
-- A window, not a self-join: the frame is the 56 days before the post, its own instant and
-- posts of that same instant excluded (EXCLUDE GROUP), which is "published earlier".
with baselines as (
    select
        post_key,
        client,
        platform,
        published_at,
        impressions,
        metrics_as_of,
        median(impressions) over earlier as baseline_impressions,
        count(impressions) over earlier as baseline_posts
    from {{ ref('fct_post_performance') }}
    window earlier as (
        partition by client, platform
        order by published_at
        range between interval 56 days preceding and current row exclude group
    )
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
        when b.metrics_as_of - cast(timezone(c.timezone, b.published_at) as date)
            < {{ var('min_post_age_days') }} then 'too_young'
        when b.impressions >= 1.5 * b.baseline_impressions then 'over'
        when b.impressions <= 0.5 * b.baseline_impressions then 'under'
        else 'typical'
    end as performance_flag
from baselines as b
join {{ ref('dim_client') }} as c using (client)
