-- One row per conversion, as the newest exports state them.
-- A conversions export restates its scope: the client, the conversion types it holds and
-- the client-local days from its first to its last conversion. A file loaded later
-- replaces every older row of its scope, so a corrected value or a cancelled booking is
-- right with or without conversion ids (a booking export and a call log of the same days
-- hold different types and leave each other alone). Within what is kept, the same
-- conversion in several files counts once: the newest load, then the later row.
--
-- Stored, unlike the other staging models: the restatement reads every raw conversion of
-- its clients, and int_conversions_attributed, fct_post_performance and three tests read
-- this model (as a view, the restatement ran five times a night, 0.3 s each alone at L,
-- 1-2 s each beside the other models). Client-scoped (macros/touched_clients.sql): a night
-- recomputes the clients it loaded files of.
{{ config(
    materialized=incremental_or_table(),
    incremental_strategy='append',
    pre_hook="{{ delete_touched_clients() }}",
) }}
{% set touched = for_touched_clients('r.client') %}
with located as (
    select
        r.*,
        cast({{ instant_to_local('r.occurred_at', "coalesce(c.timezone, 'America/Toronto')") }} as date)
            as local_day
    from {{ source('raw', 'conversions') }} as r
    left join {{ source('raw', 'clients') }} as c on c.client = r.client
    where {{ touched }}
),

scopes as (
    select
        client,
        source_path,
        loaded_at,
        conversion_type,
        min(local_day) as first_day,
        max(local_day) as last_day
    from located
    group by client, source_path, loaded_at, conversion_type
),

ranked as (
    select
        r.*,
        row_number() over (
            partition by client, conversion_key order by loaded_at desc, source_row_number desc, source_path desc
        ) as rank_in_key
    from located as r
    where not exists (
        select 1
        from scopes as s
        where s.client = r.client
            and s.conversion_type is not distinct from r.conversion_type
            and s.loaded_at > r.loaded_at
            and r.local_day between s.first_day and s.last_day
    )
),

current_rows as (
    select * from ranked where rank_in_key = 1
)

select
    client || '/' || conversion_key as conversion_id,
    client,
    occurred_at,
    conversion_type,
    value,
    upper(currency) as currency,
    lower(utm_source) as utm_source,
    lower(utm_medium) as utm_medium,
    utm_campaign,
    utm_content,
    source_path
from current_rows
