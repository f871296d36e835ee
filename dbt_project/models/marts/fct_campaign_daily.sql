-- Paid results: one row per client, platform, ad (else ad set or campaign), objective and
-- reporting window (a day when the report was broken down by day). Compare rates within
-- an objective, never across: an engagement campaign buys interactions, not impressions.
--
-- Two kinds of outcome, never mixed: `results` and `conversions` are what Meta counted
-- (its result indicator names what a result is); `attributed_conversions` are the
-- client's own conversions (bookings, calls...) whose UTM names the ad or its campaign.
-- Each is credited once, to the latest reporting window that had begun by its
-- client-local day and ended at most var('attribution_days') days before it (people book
-- a few days after the click; Meta's own default window is 7 days after a click). One that
-- names the ad counts for that ad; one that names only the campaign is shared among the
-- campaign's rows of that window by spend (evenly when none spent), so a window's rows add
-- up to whole conversions.
--
-- Incremental by client and reporting window, whole windows at a time: a night rebuilds
-- the windows whose ad rows stg_meta__ads rebuilt since (their loaded_at) and the windows
-- where any row's credit moved (a late booking, a conversion restated away, a new window
-- that now takes a conversion, a corrected time zone). The credit itself is worked out
-- from every conversion and window each night (small: the conversions that name a
-- campaign), then compared with what each row holds; the other windows are not rewritten
-- (876,000 rows at L, the largest table of a night's dbt work). A client's credit reads only
-- its own ads and conversions: a night works it out for the clients it loaded files of
-- (macros/touched_clients.sql), every client when it has no scope.
{{ config(
    materialized=incremental_or_table(),
    unique_key=['client', 'date', 'date_end'],
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
) }}

{% set touched = for_touched_clients() %}
with ads as (
    select * from {{ ref('stg_meta__ads') }}
    where {{ touched }}
),

conversions as (
    select cv.conversion_id, cv.client, lower(cv.campaign) as campaign_folded, cv.ad_id,
        cast({{ instant_to_local('cv.occurred_at', 'cl.timezone') }} as date) as day
    from {{ ref('int_conversions_attributed') }} as cv
    join {{ ref('dim_client') }} as cl using (client)
    where cv.attribution = 'campaign' and {{ for_touched_clients('cv.client') }}
),

by_ad as (
    select client, ad_key, date_start, date_end, count(*) as conversions
    from (
        select
            a.client, a.ad_key, a.date_start, a.date_end,
            row_number() over (
                partition by cv.client, cv.conversion_id
                order by a.date_start desc, a.date_end desc, a.ad_key
            ) as latest_first
        from conversions as cv
        join ads as a
            on cv.client = a.client and cv.ad_id = a.ad_id
            and cv.day between a.date_start and {{ add_days('a.date_end', var('attribution_days')) }}
    ) as credited
    where latest_first = 1
    group by all
),

-- each campaign's reporting windows, with what its rows spent (the shares of by_campaign)
windows as (
    select
        client, lower(campaign) as campaign_folded, date_start, date_end,
        sum(coalesce(spend, 0)) as spend, count(*) as ad_rows
    from ads
    group by client, lower(campaign), date_start, date_end
),

by_campaign as (  -- conversions that name the campaign but no ad
    select client, campaign_folded, date_start, date_end, count(*) as conversions
    from (
        select
            w.client, w.campaign_folded, w.date_start, w.date_end,
            row_number() over (
                partition by cv.client, cv.conversion_id order by w.date_start desc, w.date_end desc
            ) as latest_first
        from conversions as cv
        join windows as w
            on cv.client = w.client and cv.ad_id is null
            and cv.campaign_folded = w.campaign_folded
            and cv.day between w.date_start and {{ add_days('w.date_end', var('attribution_days')) }}
    ) as credited
    where latest_first = 1
    group by all
),

-- each ad row's share of the conversions, where it has one: its own (by_ad), plus its
-- campaign's window's (by_campaign) by its part of the window's spend (evenly when none spent)
ad_credit as (
    select client, ad_key, date_start, date_end, sum(conversions) as attributed_conversions
    from (
        select client, ad_key, date_start, date_end, conversions from by_ad
        union all
        select
            a.client, a.ad_key, a.date_start, a.date_end,
            k.conversions * coalesce(
                coalesce(a.spend, 0) / nullif(w.spend, 0), cast(1 as double) / w.ad_rows
            )
        from by_campaign as k
        join windows as w
            on w.client = k.client and w.campaign_folded = k.campaign_folded
            and w.date_start = k.date_start and w.date_end = k.date_end
        join ads as a
            on a.client = k.client and lower(a.campaign) = k.campaign_folded
            and a.date_start = k.date_start and a.date_end = k.date_end
    ) as shares
    group by all
)
{%- if is_incremental() %},

{#- a table built before it had loaded_at (an upgrade, or a dbt build by hand): every window #}
{%- set kept = adapter.get_columns_in_relation(this) | map(attribute='name') | list %}
rebuilt_windows as (
    select client, date_start, date_end
    from ads
    {%- if 'loaded_at' in kept %}
    where loaded_at > (select coalesce(max(t.loaded_at), '-infinity'::timestamptz) from {{ this }} as t)
    {%- endif %}
    union
    select coalesce(n.client, o.client), coalesce(n.date_start, o.date), coalesce(n.date_end, o.date_end)
    from ad_credit as n
    full join (
        select client, ad_key, date, date_end, attributed_conversions
        from {{ this }} where attributed_conversions <> 0 and {{ touched }}
    ) as o
        on o.client = n.client and o.ad_key = n.ad_key
        and o.date = n.date_start and o.date_end = n.date_end
    -- exactly: a window kept must hold what a full refresh would write
    where coalesce(n.attributed_conversions, 0) is distinct from coalesce(o.attributed_conversions, 0)
)
{%- endif %}

select
    a.client,
    a.platform,
    a.campaign,
    a.campaign_id,
    a.adset_name,
    a.ad_key,
    a.ad_id,
    a.ad_name,
    a.objective,
    a.date_start as date,
    a.date_end,
    {{ days_between('a.date_start', 'a.date_end') }} + 1 as days,
    a.spend,
    a.currency,
    a.impressions,
    a.reach,
    {{ frequency('a.impressions', 'a.reach') }} as frequency,
    a.clicks,
    a.link_clicks,
    a.results,
    a.result_indicator,
    a.conversions,
    {{ ctr('a.link_clicks', 'a.impressions') }} as link_ctr,
    {{ safe_ratio('a.spend', 'a.conversions') }} as cost_per_conversion,
    a.attributed_conversions,
    {{ paid_rates('a') }},
    a.loaded_at
from (
    select ads.*, coalesce(c.attributed_conversions, cast(0 as double)) as attributed_conversions
    from ads
    left join ad_credit as c
        on c.client = ads.client and c.ad_key = ads.ad_key
        and c.date_start = ads.date_start and c.date_end = ads.date_end
    {%- if is_incremental() %}
    where (ads.client, ads.date_start, ads.date_end) in (select * from rebuilt_windows)
    {%- endif %}
) as a
{{ clustered_by('client, date, date_end') }}
