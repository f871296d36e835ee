-- Week over week, per client and platform: impressions beside engagement rate and CTR,
-- with the change against the previous week.
with weekly as (
    select
        client, platform, period_start as week,
        sum(posts) as posts, sum(impressions) as impressions,
        sum(engagements) / nullif(sum(impressions), 0) as engagement_rate,
        sum(clicks) / nullif(sum(impressions), 0) as ctr
    from {{ ref('fct_content_performance') }}
    where period_grain = 'week'
    group by all
)

select
    *,
    impressions / nullif(lag(impressions) over w, 0) - 1 as impressions_change,
    engagement_rate - lag(engagement_rate) over w as engagement_rate_change
from weekly
window w as (partition by client, platform order by week)
order by client, platform, week
