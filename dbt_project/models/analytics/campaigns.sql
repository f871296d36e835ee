-- Paid campaigns over the whole reporting period, compared only within their objective
-- (a reach campaign's CPM and a traffic campaign's CPC answer different questions).
-- Meta's own outcome is `results` (what a result is: `result_indicator`) and
-- `meta_conversions`; the client's own is `attributed_conversions`, as fct_campaign_daily
-- credits them (its conversions whose UTM names the campaign or one of its ads).
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
        {{ sorted_distinct_list('result_indicator', "', '") }} as result_indicator,
        sum(conversions) as meta_conversions,
        -- shares of one conversion add up to 1 (up to float error)
        round(sum(attributed_conversions), 6) as attributed_conversions
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
    t.result_indicator,
    t.meta_conversions,
    t.attributed_conversions,
    {{ paid_rates('t') }},
    {{ cost_per_result('t') }} as cost_per_result,
    {{ safe_ratio('t.spend', 't.meta_conversions') }} as cost_per_meta_conversion,
    rank() over (
        partition by t.client, t.objective
        order by {{ cost_per_result('t') }} asc nulls last
    ) as rank_in_objective,
    count(*) over (partition by t.client, t.objective) as campaigns_in_objective
from totals as t
join {{ ref('dim_client') }} as c using (client)
