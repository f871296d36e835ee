-- One row per post: its latest lifetime metrics and the rates derived from them.
-- A metric the source does not report stays NULL; in engagements it counts as 0.
--
-- Client-scoped (macros/touched_clients.sql): a night recomputes the clients it loaded
-- files of.
{{ config(
    materialized=incremental_or_table(),
    incremental_strategy='append',
    pre_hook="{{ delete_touched_clients() }}",
) }}
{% set touched = for_touched_clients() %}
with posts as (
    select * from {{ ref('int_posts_classified') }}
    where {{ touched }}
),

conversions as (
    select client, post_key, count(*) as conversions
    from {{ ref('int_conversions_attributed') }}
    where {{ touched }}
    group by all
),

-- Conversions are known (0 or more) only for clients who send a conversions file.
clients_with_conversions as (
    select distinct client from {{ ref('stg_conversions__conversions') }}
    where {{ touched }}
),

metrics as (
    select
        p.*,
        {{ engagements('p') }} as engagements,
        case when k.client is not null then coalesce(c.conversions, 0) end as conversions
    from posts as p
    left join conversions as c on p.post_key = c.post_key
    left join clients_with_conversions as k on p.client = k.client
)

select
    post_key,
    client,
    platform,
    post_id,
    published_at,
    content_type,
    theme,
    is_boosted,
    impressions,
    impressions_source,
    reach,
    {{ frequency('impressions', 'reach') }} as frequency,
    reactions,
    comments,
    shares,
    saves,
    clicks,
    link_clicks,
    engagements,
    {{ engagement_rate('engagements', 'impressions') }} as engagement_rate,
    {{ engagement_rate_by_reach('engagements', 'reach') }} as engagement_rate_by_reach,
    {{ ctr('clicks', 'impressions') }} as ctr,
    conversions,
    {{ conversion_rate('conversions', 'clicks') }} as conversion_rate,
    snapshot_date as metrics_as_of
from metrics
