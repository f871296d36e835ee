-- Meta Ads Manager rows of the newest export of each ad (else ad set, else campaign) and
-- reporting window: one row per raw row of that export. Several rows of one export can
-- share an ad and window, and each is real: distinct ads that share a name in one ad set
-- (reports without ID columns) and audience segments (a report broken down by Age,
-- Gender, Country...). stg_meta__ads sums them; fct_campaign_segments keeps the segments.
-- Older exports of the same window are superseded, whole: a re-export restates them.
--
-- A table (stg_meta__ads and fct_campaign_segments both read it), incremental by client and
-- reporting window: a night rebuilds the windows its files restate, each from all its raw
-- rows (the newest export of a window is picked among all of them), so the result equals a
-- full refresh whatever order files arrive in; the rest of two years of ads is not read.
{{ config(
    materialized=incremental_or_table(),
    unique_key=['client', 'reporting_start', 'reporting_end'],
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
) }}
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
    {% if is_incremental() %}
    where (client, reporting_start, reporting_end) in (
        select client, reporting_start, reporting_end from {{ source('raw', 'meta_ads') }}
        where loaded_at > (select coalesce(max(loaded_at), '-infinity'::timestamptz) from {{ this }})
    )
    {% endif %}
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
