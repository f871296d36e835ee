-- Meta Ads, one row per ad (else ad set, else campaign) and reporting window, from the
-- newest export of the window. Rows that export keeps apart for one ad and window
-- (distinct ads sharing a name, audience segments) are added up: spend, impressions,
-- clicks and results add; reach and frequency do not (the same person can be in two
-- segments), so they are NULL where rows were summed.
--
-- A table, unlike the other staging models: fct_campaign_daily and, twice,
-- int_conversions_attributed read it. Incremental like stg_meta__ad_rows: the windows whose
-- rows that model rebuilt since this one's last build are summed again.
{{ config(
    materialized=incremental_or_table(),
    unique_key=['client', 'date_start', 'date_end'],
    incremental_strategy='delete+insert',
) }}

select
    client,
    'facebook' as platform,  -- Meta ads run on Facebook and Instagram; Ads Manager reports them together
    ad_key,
    max(ad_id) as ad_id,
    max(ad_name) as ad_name,
    max(adset_name) as adset_name,
    max(coalesce(campaign_name, adset_name, ad_name)) as campaign,
    max(campaign_id) as campaign_id,
    coalesce(max(objective), 'unknown') as objective,
    reporting_start as date_start,
    reporting_end as date_end,
    sum(amount_spent) as spend,
    max(currency_code) as currency,
    sum(impressions) as impressions,
    case when count(*) = 1 then max(reach) end as reach,
    sum(clicks_all) as clicks,
    sum(link_clicks) as link_clicks,
    sum(results) as results,
    case when count(distinct result_indicator) <= 1 then max(result_indicator) else 'mixed' end
        as result_indicator,
    coalesce(sum(purchases), 0) + coalesce(sum(leads), 0) as conversions,
    count(*) as rows_summed,
    max(snapshot_date) as snapshot_date,
    max(loaded_at) as loaded_at
from {{ ref('stg_meta__ad_rows') }}
{% if is_incremental() %}
where (client, reporting_start, reporting_end) in (
    select client, reporting_start, reporting_end from {{ ref('stg_meta__ad_rows') }}
    where loaded_at > (select coalesce(max(loaded_at), '-infinity'::timestamptz) from {{ this }})
)
{% endif %}
group by client, ad_key, reporting_start, reporting_end
