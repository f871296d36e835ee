-- Meta Ads Manager rows of the newest export of each ad (else ad set, else campaign) and
-- reporting window: one row per raw row of that export. Several rows of one export can
-- share an ad and window, and each is real: distinct ads that share a name in one ad set
-- (reports without ID columns) and audience segments (a report broken down by Age,
-- Gender, Country...). stg_meta__ads sums them; fct_campaign_segments keeps the segments.
-- Older exports of the same window are superseded, whole: a re-export restates them.
--
-- A table: stg_meta__ads and fct_campaign_segments both read it.
{{ config(materialized='table') }}
{% set ad_key %}
    coalesce(
        ad_id,
        'name:' || coalesce(campaign_name, '') || '|' || coalesce(adset_name, '') || '|'
        || coalesce(ad_name, '')
    )
{% endset %}

with keyed as (
    select *, {{ ad_key }} as ad_key
    from {{ source('raw', 'meta_ads') }}
),

newest_export as (
    select
        client, ad_key, reporting_start, reporting_end,
        {{ arg_max('source_sha256', 'snapshot_date, loaded_at, source_path') }} as source_sha256
    from keyed
    group by client, ad_key, reporting_start, reporting_end
)

select keyed.*
from keyed
where (client, ad_key, reporting_start, reporting_end, source_sha256) in (
    select client, ad_key, reporting_start, reporting_end, source_sha256 from newest_export
)
