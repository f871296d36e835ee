-- Paid audience segments: one row per client, ad, reporting window, breakdown (age,
-- gender, country, region, placement, platform, device_platform) and value, from reports
-- broken down by them. Spend, impressions, clicks and results add up over one breakdown's
-- values to the ad's window in fct_campaign_daily; reach does not, so it is not here.
-- A report broken down by two (Age x Gender) gives both breakdowns, each summed over the
-- other. Segments are aggregates Meta reports, not people.
--
-- Client-scoped (macros/touched_clients.sql): a night recomputes the clients it loaded
-- files of.
{{ config(
    materialized=incremental_or_table(),
    incremental_strategy='append',
    pre_hook="{{ delete_touched_clients() }}",
) }}
{% set touched = for_touched_clients() %}
with segment_rows as (
    select
        client, ad_key, reporting_start, reporting_end, amount_spent, currency_code,
        impressions, clicks_all, results,
        breakdown_age as age, breakdown_gender as gender, breakdown_country as country,
        breakdown_region as region, breakdown_placement as placement,
        breakdown_platform as platform, breakdown_device_platform as device_platform
    from {{ ref('stg_meta__ad_rows') }}
    where {{ touched }}
)

select
    client,
    'facebook' as platform,
    ad_key,
    reporting_start as date,
    reporting_end as date_end,
    breakdown,
    value,
    sum(amount_spent) as spend,
    max(currency_code) as currency,
    sum(impressions) as impressions,
    sum(clicks_all) as clicks,
    sum(results) as results
from segment_rows
unpivot (value for breakdown in (
    age, gender, country, region, placement, platform, device_platform
))
group by all
