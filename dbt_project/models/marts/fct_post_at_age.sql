-- One row per post: its lifetime numbers at equal ages, 1, 7 and 28 days after its
-- client-local publication day, read from the export of exactly that day (NULL where no
-- export saw the post that day: a weekly or monthly export has no day-7 reading). Posts of
-- different ages compare fairly only at the same age. Only the rows of those three days are
-- read (fct_post_daily's *_to_date columns): no pass over every post's every day.
--
-- Client-scoped (macros/touched_clients.sql): a night recomputes the clients it loaded
-- files of.
{{ config(
    materialized=incremental_or_table(),
    incremental_strategy='append',
    pre_hook="{{ delete_touched_clients('post_key', ref('fct_post_performance')) }}",
) }}
{% set touched = for_touched_clients('p.client') %}
with published as (
    select p.post_key, cast({{ instant_to_local('p.published_at', 'c.timezone') }} as date) as published_date
    from {{ ref('fct_post_performance') }} as p
    join {{ ref('dim_client') }} as c using (client)
    where {{ touched }}
)

select
    p.post_key,
    {% for days in (1, 7, 28) %}
    max(d.impressions_to_date) filter (where d.date = {{ add_days('p.published_date', days) }})
        as impressions_{{ days }}d,
    max(d.reach_to_date) filter (where d.date = {{ add_days('p.published_date', days) }})
        as reach_{{ days }}d,
    max(d.engagements_to_date) filter (where d.date = {{ add_days('p.published_date', days) }})
        as engagements_{{ days }}d{{ "," if not loop.last }}
    {% endfor %}
from published as p
left join {{ ref('fct_post_daily') }} as d
    on d.post_key = p.post_key
    and d.date in ({% for days in (1, 7, 28) %}{{ add_days('p.published_date', days) }}{{ ", " if not loop.last }}{% endfor %})
group by p.post_key
