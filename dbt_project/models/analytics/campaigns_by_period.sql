-- One row per client, campaign and period (month, quarter, year; by the day a delivery row
-- starts): what `socialwh report` shows of a campaign in a period, compared only within
-- its objective. Rates come from the period's sums (macros/metrics.sql). Campaigns of two
-- clients never add up (each its own currency and objectives): no all-clients rows.
with days as (
    {%- for grain in ['month', 'quarter', 'year'] %}
    select
        '{{ grain }}' as period_grain,
        cast(date_trunc('{{ grain }}', d.date) as date) as period_start,
        d.*
    from {{ ref('fct_campaign_daily') }} as d
    {{ "union all" if not loop.last }}
    {%- endfor %}
),

totals as (
    select
        period_grain,
        period_start,
        client,
        platform,
        objective,
        campaign,
        currency,
        sum(spend) as spend,
        sum(impressions) as impressions,
        sum(clicks) as clicks,
        sum(link_clicks) as link_clicks,
        sum(results) as results,
        sum(conversions) as meta_conversions,
        -- shares of one conversion add up to 1 (up to float error)
        round(sum(attributed_conversions), 6) as attributed_conversions
    from days
    group by all
)

select
    t.period_grain,
    t.period_start,
    t.client,
    c.name as client_name,
    t.platform,
    t.objective,
    t.campaign,
    t.currency,
    t.spend,
    t.impressions,
    t.clicks,
    t.link_clicks,
    t.results,
    {{ cost_per_result('t') }} as cost_per_result,
    t.meta_conversions,
    t.attributed_conversions,
    {{ paid_rates('t') }}
from totals as t
join {{ ref('dim_client') }} as c using (client)
