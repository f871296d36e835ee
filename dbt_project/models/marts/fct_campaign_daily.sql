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
    select
        ads.*,
        coalesce(b.conversions, 0) + coalesce(k.conversions, 0) * coalesce(
            coalesce(ads.spend, 0) / nullif(w.spend, 0), cast(1 as double) / w.ad_rows
        ) as attributed_conversions
    from ads
    join windows as w
        on w.client = ads.client and w.campaign_folded is not distinct from lower(ads.campaign)
        and w.date_start = ads.date_start and w.date_end = ads.date_end
    left join by_ad as b
        on b.client = ads.client and b.ad_key = ads.ad_key
        and b.date_start = ads.date_start and b.date_end = ads.date_end
    left join by_campaign as k
        on k.client = w.client and k.campaign_folded = w.campaign_folded
        and k.date_start = w.date_start and k.date_end = w.date_end
) as a
