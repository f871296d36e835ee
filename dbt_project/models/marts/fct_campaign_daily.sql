-- Paid results: one row per client, platform, ad (else ad set or campaign), objective and
-- reporting window (a day when the report was broken down by day). Compare rates within
-- an objective, never across: an engagement campaign buys interactions, not impressions.
select
    client,
    platform,
    campaign,
    campaign_id,
    adset_name,
    ad_key,
    ad_id,
    ad_name,
    objective,
    date_start as date,
    date_end,
    date_end - date_start + 1 as days,
    spend,
    currency,
    impressions,
    reach,
    {{ safe_ratio('impressions', 'reach') }} as frequency,
    clicks,
    link_clicks,
    results,
    result_indicator,
    conversions,
    {{ safe_ratio('spend * 1000', 'impressions') }} as cpm,
    {{ safe_ratio('spend', 'coalesce(link_clicks, clicks)') }} as cpc,
    {{ safe_ratio('clicks', 'impressions') }} as ctr,
    {{ safe_ratio('link_clicks', 'impressions') }} as link_ctr,
    {{ safe_ratio('spend', 'conversions') }} as cost_per_conversion
from {{ ref('stg_meta__ads') }}
