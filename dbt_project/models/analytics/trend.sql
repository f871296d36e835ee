-- Week over week, month over month and quarter over quarter, per client and platform, on
-- a calendar: every period from the client-platform's first to its last is present (posts
-- 0 where none), so a change is always against the previous calendar period, and the
-- baseline is the average impressions per post of the 8 weeks (3 months, 4 quarters)
-- before, periods without posts included as periods without posts.
--
-- Two views of a period side by side: the publication cohort (the posts published in it,
-- with their lifetime numbers so far: young periods look small until their posts mature,
-- cohort_maturity_days says how long the newest export has watched it) and the activity
-- (impressions_accrued, engagements_accrued: the daily increments that happened in it,
-- whatever the posts' age).
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
    group by all
),

grains as (
    select * from (values
        {%- for grain in ['week', 'month', 'quarter'] %} ('{{ grain }}'){{ "," if not loop.last }}{% endfor %}
    ) as s (period_grain)
),

calendar as (
    select
        b.client,
        b.platform,
        b.period_grain,
        {{ period_starts('b.first_start', 'b.last_start', 'b.period_grain') }} as period_start
    from (
        select client, platform, period_grain, min(period_start) as first_start,
            max(period_start) as last_start
        from periods
        group by all
    ) as b
),

activity as (
    select d.client, d.platform, s.period_grain,
        cast(date_trunc(s.period_grain, d.date) as date) as period_start,
        sum(d.impressions) as impressions_accrued,
        sum(d.engagements) as engagements_accrued
    from {{ ref('fct_post_daily') }} as d
    cross join grains as s
    group by all
),

watched as (  -- the newest export day per client and platform
    select client, platform, max(metrics_as_of) as newest_export
    from {{ ref('fct_post_performance') }}
    group by all
),

rated as (
    select
        k.period_grain,
        k.period_start,
        k.client,
        k.platform,
        coalesce(p.posts, 0) as posts,
        coalesce(p.impressions, 0) as impressions,
        coalesce(p.reach_sum, 0) as reach_sum,
        coalesce(p.engagements, 0) as engagements,
        coalesce(p.clicks, 0) as clicks,
        p.conversions,
        {{ engagement_rate('p.engagements', 'p.impressions') }} as engagement_rate,
        {{ ctr('p.clicks', 'p.impressions') }} as ctr,
        {{ per_post('p.impressions', 'p.posts') }} as impressions_per_post,
        coalesce(a.impressions_accrued, 0) as impressions_accrued,
        coalesce(a.engagements_accrued, 0) as engagements_accrued,
        {{ days_between(
            add_days(next_period_start('k.period_start', 'k.period_grain'), -1), 'w.newest_export'
        ) }} as cohort_maturity_days
    from calendar as k
    left join periods as p using (client, platform, period_grain, period_start)
    left join activity as a using (client, platform, period_grain, period_start)
    left join watched as w using (client, platform)
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
    {{ period_comparisons('r') }},
    r.impressions_accrued,
    r.engagements_accrued,
    r.cohort_maturity_days
from rated as r
join {{ ref('dim_client') }} as c using (client)
window {{ period_windows('r.client, r.platform, r.period_grain', 'r.period_start') }}
