-- Week over week and quarter over quarter, per client and platform, against a baseline:
-- the average of the previous 8 weeks (or 4 quarters) of impressions per post.
with periods as (
    select
        period_grain,
        period_start,
        client,
        platform,
        sum(posts) as posts,
        sum(impressions) as impressions,
        sum(reach_sum) as reach_sum,
        sum(engagements) as engagements,
        sum(clicks) as clicks,
        sum(conversions) as conversions
    from {{ ref('fct_content_performance') }}
    where period_grain in ('week', 'quarter')
    group by all
),

rated as (
    select
        *,
        {{ safe_ratio('engagements', 'impressions') }} as engagement_rate,
        {{ safe_ratio('clicks', 'impressions') }} as ctr,
        {{ safe_ratio('impressions', 'posts') }} as impressions_per_post
    from periods
)

select
    r.period_grain,
    r.period_start,
    r.client,
    c.name as client_name,
    r.platform,
    r.posts,
    r.impressions,
    r.reach_sum,
    r.engagements,
    r.engagement_rate,
    r.clicks,
    r.ctr,
    r.conversions,
    r.impressions_per_post,
    lag(r.impressions) over w as previous_impressions,
    {{ safe_ratio('r.impressions', 'lag(r.impressions) over w') }} - 1 as impressions_change,
    r.engagement_rate - lag(r.engagement_rate) over w as engagement_rate_change,
    r.ctr - lag(r.ctr) over w as ctr_change,
    case
        when r.period_grain = 'week' then avg(r.impressions_per_post) over (
            partition by r.client, r.platform, r.period_grain order by r.period_start
            rows between 8 preceding and 1 preceding
        )
        else avg(r.impressions_per_post) over (
            partition by r.client, r.platform, r.period_grain order by r.period_start
            rows between 4 preceding and 1 preceding
        )
    end as baseline_impressions_per_post
from rated as r
join {{ ref('dim_client') }} as c using (client)
window w as (partition by r.client, r.platform, r.period_grain order by r.period_start)
