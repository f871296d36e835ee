-- One row per post and export day: the daily increments of its lifetime metrics,
-- derived from successive exports. A day without an export folds into the next one
-- (days_covered says how many days an increment spans: the first from the client-local
-- publication day, the others from the previous export). Increments stay on their export
-- day: nothing is spread over days it does not know. Reach is unique people: it is
-- kept as reach_to_date, never differenced or summed. A lifetime metric that went down
-- is flagged, not hidden.
--
-- Incremental: only the posts with a new or restated export since the last build are
-- recomputed (all their days, since a late export changes the increments after it).
{{ config(
    materialized=incremental_or_table(),
    unique_key=['post_key', 'date'],
    incremental_strategy='delete+insert',
) }}

with clients as (
    select client, timezone from {{ ref('stg_clients__clients') }}
),

snapshots as (
    select
        post_key, client, platform, snapshot_date, impressions, reach, clicks, loaded_at,
        cast({{ instant_to_local('published_at', "coalesce(c.timezone, 'America/Toronto')") }} as date)
            as published_date,
        {{ engagements() }} as engagements
    from {{ ref('int_post_snapshots_unioned') }}
    left join clients as c using (client)
    {% if is_incremental() %}
    where post_key in (
        select post_key from {{ ref('int_post_snapshots_unioned') }}
        where loaded_at > (select coalesce(max(loaded_at), '-infinity'::timestamptz) from {{ this }})
    )
    {% endif %}
),

with_previous as (
    select
        *,
        lag(snapshot_date) over w as previous_date,
        lag(impressions) over w as previous_impressions,
        lag(engagements) over w as previous_engagements,
        lag(clicks) over w as previous_clicks
    from snapshots
    window w as (partition by post_key order by snapshot_date)
)

select
    post_key,
    client,
    platform,
    snapshot_date as date,
    coalesce(
        {{ days_between('previous_date', 'snapshot_date') }},
        greatest({{ days_between('published_date', 'snapshot_date') }} + 1, 1),
        1
    ) as days_covered,
    impressions - coalesce(previous_impressions, 0) as impressions,
    engagements - coalesce(previous_engagements, 0) as engagements,
    clicks - coalesce(previous_clicks, 0) as clicks,
    reach as reach_to_date,
    impressions as impressions_to_date,
    engagements as engagements_to_date,
    coalesce(impressions < previous_impressions or engagements < previous_engagements
             or clicks < previous_clicks, false) as lifetime_decreased,
    loaded_at
from with_previous
{{ clustered_by('post_key, date') }}
