-- One row per post, ready to read: the client's name, the local publication date, every
-- rate beside its counts, its numbers at equal ages (1, 7, 28 days: compare posts at the
-- same age), and the post's standing against its client-platform baseline.
select
    p.post_key,
    p.client,
    c.name as client_name,
    p.platform,
    p.post_id,
    cast({{ instant_to_local('p.published_at', 'c.timezone') }} as date) as published_date,
    p.published_at,
    p.content_type,
    p.theme,
    p.is_boosted,
    p.impressions,
    p.reach,
    p.frequency,
    p.engagements,
    p.engagement_rate,
    p.engagement_rate_by_reach,
    p.clicks,
    p.ctr,
    p.conversions,
    p.conversion_rate,
    a.impressions_1d,
    a.impressions_7d,
    a.impressions_28d,
    a.reach_7d,
    a.engagements_7d,
    a.engagements_28d,
    b.baseline_impressions,
    b.impressions_index,
    b.performance_flag as performance,
    d.permalink,
    p.metrics_as_of
from {{ ref('fct_post_performance') }} as p
join {{ ref('dim_client') }} as c using (client)
join {{ ref('dim_post') }} as d using (post_key)
left join {{ ref('fct_post_benchmarks') }} as b using (post_key)
left join {{ ref('fct_post_at_age') }} as a using (post_key)
