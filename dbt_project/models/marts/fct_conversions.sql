-- One row per conversion, with its attribution (post, campaign, platform, none).
--
-- Client-scoped (macros/touched_clients.sql): a night recomputes the clients it loaded
-- files of.
{{ config(
    materialized=incremental_or_table(),
    incremental_strategy='append',
    pre_hook="{{ delete_touched_clients() }}",
) }}
{% set touched = for_touched_clients() %}
select * from {{ ref('int_conversions_attributed') }}
where {{ touched }}
