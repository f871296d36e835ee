-- Meta Ads Manager rows, one per ad (else ad set, else campaign) and reporting window.
-- Re-exports of the same window restate it: the newest export wins. Ad names repeat
-- across ad ids, so the key is the id when present, the names otherwise.
--
-- A table, unlike the other staging models: fct_campaign_daily and, twice,
-- int_conversions_attributed read it, and as a view each read deduplicated every raw ad
-- row again (876,000 at L).
{{ config(materialized='table') }}
{% set ad_key %}
    coalesce(
        ad_id,
        'name:' || coalesce(campaign_name, '') || '|' || coalesce(adset_name, '') || '|'
        || coalesce(ad_name, '')
    )
{% endset %}

with newest as (
    {{ newest_rows(
        source('raw', 'meta_ads'),
        'client, ' ~ ad_key ~ ', reporting_start, reporting_end',
        'snapshot_date, loaded_at, source_row_number'
    ) }}
)

select
    client,
    'facebook' as platform,  -- Meta ads run on Facebook and Instagram; Ads Manager reports them together
    {{ ad_key }} as ad_key,
    ad_id,
    ad_name,
    adset_name,
    coalesce(campaign_name, adset_name, ad_name) as campaign,
    campaign_id,
    coalesce(objective, 'unknown') as objective,
    reporting_start as date_start,
    reporting_end as date_end,
    amount_spent as spend,
    currency_code as currency,
    impressions,
    reach,
    clicks_all as clicks,
    link_clicks,
    results,
    result_indicator,
    coalesce(purchases, 0) + coalesce(leads, 0) as conversions,
    snapshot_date,
    loaded_at
from newest
