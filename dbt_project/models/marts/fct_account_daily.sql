-- One row per client, platform and day of the page-level exports: impressions, that
-- day's unique reach (never to be summed across days), new followers, and the rest.
--
-- Day-scoped (macros/touched_clients.sql, for_touched_days): a row of a client and day is
-- made from that client's page-level rows of that day alone, so a night recomputes its
-- touched clients' days from the first day its page-level files cover (a month), not
-- their whole history; the staging views let that filter reach their dedup.
{{ config(
    materialized=incremental_or_table(),
    incremental_strategy='append',
    pre_hook="{{ delete_touched_days([source('raw', 'meta_page_daily'),
        source('raw', 'linkedin_page_daily'), source('raw', 'linkedin_followers_daily')]) }}",
) }}
{% set touched = for_touched_days([source('raw', 'meta_page_daily'),
    source('raw', 'linkedin_page_daily'), source('raw', 'linkedin_followers_daily')]) %}
select
    client, platform, date, impressions, reach, new_followers, followers, new_viewers,
    page_visits, interactions, link_clicks, cast(null as bigint) as clicks
from {{ ref('stg_meta__page_daily') }}
where {{ touched }}
union all
select
    client, platform, date, impressions, reach, new_followers,
    cast(null as bigint) as followers, cast(null as bigint) as new_viewers, cast(null as bigint) as page_visits,
    reactions + comments + shares as interactions, cast(null as bigint) as link_clicks, clicks
from {{ ref('stg_linkedin__page_daily') }}
where {{ touched }}
