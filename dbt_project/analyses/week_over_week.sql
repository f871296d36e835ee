-- Week over week, per client and platform: impressions beside engagement rate and CTR,
-- with the change against the previous week and the 8-week baseline (analytics.trend).
select
    client, platform, period_start as week, posts, impressions, impressions_change,
    engagement_rate, engagement_rate_change, ctr, impressions_per_post,
    baseline_impressions_per_post
from {{ ref('trend') }}
where period_grain = 'week'
order by client, platform, week
