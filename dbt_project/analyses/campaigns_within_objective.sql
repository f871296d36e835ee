-- Paid campaigns compared within their objective (never across): cost and efficiency
-- (analytics.campaigns).
select
    client, objective, campaign, currency, spend, impressions,
    round(cpm, 2) as cpm, round(ctr, 4) as ctr, round(cpc, 2) as cpc,
    results, round(cost_per_result, 2) as cost_per_result, rank_in_objective
from {{ ref('campaigns') }}
order by client, objective, rank_in_objective
