-- Each post against its client-platform baseline: the median impressions of the posts
-- published in the 8 weeks before it. impressions_index = impressions / baseline;
-- over (>= 1.5), under (<= 0.5), typical between; NULL index and flag 'no_baseline' when
-- fewer than 3 earlier posts exist.
with posts as (
    select post_key, client, platform, published_at, impressions
    from {{ ref('fct_post_performance') }}
),

baselines as (
    select
        p.post_key,
        median(e.impressions) as baseline_impressions,
        count(e.post_key) as baseline_posts
    from posts as p
    left join posts as e
        on p.client = e.client
        and p.platform = e.platform
        and e.published_at < p.published_at
        and e.published_at >= p.published_at - interval 56 days
        and e.impressions is not null
    group by p.post_key
)

select
    p.post_key,
    p.client,
    p.platform,
    p.published_at,
    p.impressions,
    case when b.baseline_posts >= 3 then b.baseline_impressions end as baseline_impressions,
    b.baseline_posts,
    case when b.baseline_posts >= 3
        then {{ safe_ratio('p.impressions', 'b.baseline_impressions') }} end as impressions_index,
    case
        when b.baseline_posts < 3 or p.impressions is null then 'no_baseline'
        when p.impressions >= 1.5 * b.baseline_impressions then 'over'
        when p.impressions <= 0.5 * b.baseline_impressions then 'under'
        else 'typical'
    end as performance_flag
from posts as p
inner join baselines as b using (post_key)
