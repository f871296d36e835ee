-- Content type x theme per week, month and quarter: the question "which content works"
-- at the grain an analyst reports on. Rates are computed from sums, never averaged.
select
    f.period_grain,
    f.period_start,
    f.client,
    c.name as client_name,
    f.platform,
    f.content_type,
    f.theme,
    f.posts,
    f.impressions,
    f.reach_sum,
    f.engagements,
    f.engagement_rate,
    f.clicks,
    f.ctr,
    f.conversions,
    f.conversion_rate,
    f.avg_impressions_per_post
from {{ ref('fct_content_performance') }} as f
join {{ ref('dim_client') }} as c using (client)
