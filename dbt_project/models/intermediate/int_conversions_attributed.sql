-- Each conversion tied to what brought it: a post when utm_content is one of the client's
-- post ids, else a campaign (utm_content is an ad id, or utm_campaign names a campaign),
-- else a platform (utm_source), else none.
--
-- Stored: the marts and the tests read it several times a build. Client-scoped
-- (macros/touched_clients.sql): a night recomputes the clients it loaded files of.
{{ config(
    materialized=incremental_or_table(),
    incremental_strategy='append',
    pre_hook="{{ delete_touched_clients() }}",
) }}
{% set touched = for_touched_clients() %}

with conversions as (
    select * from {{ ref('stg_conversions__conversions') }}
    where {{ touched }}
),

posts as (  -- one row per post (not per snapshot)
    select client, platform, post_id, post_key
    from {{ ref('int_posts_classified') }}
    where {{ touched }}
),

ads as (
    select distinct client, platform, ad_id, campaign
    from {{ ref('stg_meta__ads') }}
    where ad_id is not null and {{ touched }}
),

campaigns as (
    select client, lower(campaign) as campaign_folded, min(campaign) as campaign,
        min(platform) as platform
    from {{ ref('stg_meta__ads') }}
    where {{ touched }}
    group by client, lower(campaign)
)

select
    c.conversion_id,
    c.client,
    c.occurred_at,
    c.conversion_type,
    c.value,
    c.currency,
    coalesce(
        p.platform, a.platform, k.platform,
        case
            when c.utm_source in ('facebook', 'fb', 'meta') then 'facebook'
            when c.utm_source in ('instagram', 'ig') then 'instagram'
            when c.utm_source in ('linkedin', 'li') then 'linkedin'
        end
    ) as platform,
    p.post_key,
    coalesce(a.campaign, k.campaign) as campaign,
    a.ad_id,  -- set when utm_content named one of the client's ads
    case
        when p.post_key is not null then 'post'
        when a.campaign is not null or k.campaign is not null then 'campaign'
        when c.utm_source in ('facebook', 'fb', 'meta', 'instagram', 'ig', 'linkedin', 'li')
            then 'platform'
        else 'none'
    end as attribution,
    c.utm_source,
    c.utm_medium,
    c.utm_campaign,
    c.utm_content
from conversions as c
left join posts as p on c.client = p.client and c.utm_content = p.post_id
left join ads as a on p.post_key is null and c.client = a.client and c.utm_content = a.ad_id
left join campaigns as k
    on p.post_key is null and a.ad_id is null and c.client = k.client
    and lower(c.utm_campaign) = k.campaign_folded
