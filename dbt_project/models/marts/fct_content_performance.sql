-- One row per client, platform, content type, theme and period (week, month, quarter;
-- periods start on the post's publication day in the client's time zone). Rates are
-- computed from the sums of the period, never averaged. Reach is summed across posts
-- and named reach_sum: it is not a count of unique people.
--
-- Client-scoped (macros/touched_clients.sql): a night recomputes the clients it loaded
-- files of.
{{ config(
    materialized=incremental_or_table(),
    incremental_strategy='append',
    pre_hook="{{ delete_touched_clients() }}",
) }}
{% set touched = for_touched_clients('f.client') %}
with posts as (
    select
        f.*,
        cast({{ instant_to_local('f.published_at', 'c.timezone') }} as date) as published_date
    from {{ ref('fct_post_performance') }} as f
    inner join {{ ref('dim_client') }} as c using (client)
    where {{ touched }}
),

periods as (
    select 'week' as period_grain, cast(date_trunc('week', published_date) as date) as period_start, *
    from posts
    union all
    select 'month', cast(date_trunc('month', published_date) as date), * from posts
    union all
    select 'quarter', cast(date_trunc('quarter', published_date) as date), * from posts
)

select
    client,
    platform,
    content_type,
    theme,
    period_grain,
    cast(period_start as date) as period_start,
    count(*) as posts,
    sum(impressions) as impressions,
    sum(reach) as reach_sum,
    sum(engagements) as engagements,
    sum(clicks) as clicks,
    sum(conversions) as conversions,
    {{ engagement_rate('sum(engagements)', 'sum(impressions)') }} as engagement_rate,
    {{ ctr('sum(clicks)', 'sum(impressions)') }} as ctr,
    {{ conversion_rate('sum(conversions)', 'sum(clicks)') }} as conversion_rate,
    {{ per_post('sum(impressions)', 'count(*)') }} as avg_impressions_per_post
from periods
group by all
