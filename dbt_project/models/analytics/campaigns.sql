-- Paid campaigns over the whole reporting period, compared only within their objective
-- (a reach campaign's CPM and a traffic campaign's CPC answer different questions).
with totals as (
    select
        client,
        platform,
        objective,
        campaign,
        currency,
        min(date) as first_day,
        max(coalesce(date_end, date)) as last_day,
        sum(spend) as spend,
        sum(impressions) as impressions,
        sum(clicks) as clicks,
        sum(link_clicks) as link_clicks,
        sum(results) as results,
        sum(conversions) as conversions
    from {{ ref('fct_campaign_daily') }}
    group by all
)

select
    t.client,
    c.name as client_name,
    t.platform,
    t.objective,
    t.campaign,
    t.currency,
    t.first_day,
    t.last_day,
    t.spend,
    t.impressions,
    t.clicks,
    t.link_clicks,
    t.results,
    t.conversions,
    {{ safe_ratio('t.spend * 1000', 't.impressions') }} as cpm,
    {{ safe_ratio('t.spend', 'coalesce(t.link_clicks, t.clicks)') }} as cpc,
    {{ safe_ratio('t.clicks', 't.impressions') }} as ctr,
    {{ safe_ratio('t.spend', 't.results') }} as cost_per_result,
    {{ safe_ratio('t.spend', 't.conversions') }} as cost_per_conversion,
    rank() over (
        partition by t.client, t.objective
        order by {{ safe_ratio('t.spend', 't.results') }} asc nulls last
    ) as rank_in_objective,
    count(*) over (partition by t.client, t.objective) as campaigns_in_objective
from totals as t
join {{ ref('dim_client') }} as c using (client)
