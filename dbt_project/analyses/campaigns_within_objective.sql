-- Paid campaigns compared within their objective (never across): cost and efficiency.
select
    client, objective, campaign, currency,
    sum(spend) as spend,
    sum(impressions) as impressions,
    round(sum(spend) * 1000 / nullif(sum(impressions), 0), 2) as cpm,
    round(sum(clicks) / nullif(sum(impressions), 0), 4) as ctr,
    round(sum(spend) / nullif(sum(coalesce(link_clicks, clicks)), 0), 2) as cpc,
    sum(results) as results,
    round(sum(spend) / nullif(sum(results), 0), 2) as cost_per_result
from {{ ref('fct_campaign_daily') }}
group by all
order by client, objective, cost_per_result
