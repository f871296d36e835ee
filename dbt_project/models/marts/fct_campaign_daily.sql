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
with ads as (
    select * from {{ ref('stg_meta__ads') }}
),

conversions as (
    select cv.conversion_id, cv.client, lower(cv.campaign) as campaign_folded, cv.ad_id,
        cast({{ instant_to_local('cv.occurred_at', 'cl.timezone') }} as date) as day
    from {{ ref('int_conversions_attributed') }} as cv
    join {{ ref('dim_client') }} as cl using (client)
    where cv.attribution = 'campaign'
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

windows as (
    select distinct client, lower(campaign) as campaign_folded, date_start, date_end from ads
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

attributed as (
    select
        a.client, a.ad_key, a.date_start, a.date_end,
        coalesce(b.conversions, 0) + coalesce(k.conversions, 0) * coalesce(
            coalesce(a.spend, 0) / nullif(sum(coalesce(a.spend, 0)) over w, 0),
            cast(1 as double) / count(*) over w
        ) as attributed_conversions
    from ads as a
    left join by_ad as b using (client, ad_key, date_start, date_end)
    left join by_campaign as k
        on k.client = a.client and k.campaign_folded = lower(a.campaign)
        and k.date_start = a.date_start and k.date_end = a.date_end
    window w as (partition by a.client, lower(a.campaign), a.date_start, a.date_end)
)

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
    {{ paid_rates('a') }}
from (
    select ads.*, t.attributed_conversions
    from ads join attributed as t using (client, ad_key, date_start, date_end)
) as a
