{#
  A night rebuilds and tests the clients it touched, not every client.

  Every model is partitioned by client: a client's rows are made from that client's raw
  rows, its register row and the seeds (no model compares clients). So the rows of a
  client with no raw row loaded since the last successful whole build are what that build
  made. On a night of ten clients of two hundred, the client-scoped models (config
  `pre_hook=delete_touched_clients()`, strategy append) recompute ten clients' rows and
  the data tests read ten clients' rows (get_where_subquery below).

  The pipeline names the touched clients to the dbt commands of one build in
  SOCIALWH_DBT_SCOPE (pipelines/dbt_scope.py says when it names none: a full refresh, no
  successful build recorded, a changed register, a damaged model table, Spark). A dbt run
  by hand has no such variable: every client, as a table model would. The variable is read
  at run time only (`execute`), so dbt's parse cache never depends on it.
#}

{# The touched clients (a list), or none for every client: the pipeline names them in
   SOCIALWH_DBT_SCOPE for the dbt commands of one build (read at run time only, so that
   dbt's parse cache never depends on it). A dbt run by hand has no such variable. #}
{% macro touched_clients() %}
    {%- if not execute or target.type != 'duckdb' or flags.FULL_REFRESH -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set scope = fromjson(env_var('SOCIALWH_DBT_SCOPE', 'null')) -%}
    {%- if scope is mapping and scope.get('clients') is iterable
           and scope.get('clients') is not string -%}
        {{ return(scope['clients'] | list) }}
    {%- endif -%}
    {{ return(none) }}
{% endmacro %}

{# The last whole build's watermark (a timestamp, as text) on a night with a scope: the
   raw rows loaded after it are the night's. None when every row is rebuilt and tested. #}
{% macro loaded_since() %}
    {%- if touched_clients() is none -%}{{ return(none) }}{%- endif -%}
    {%- set scope = fromjson(env_var('SOCIALWH_DBT_SCOPE', 'null')) -%}
    {{ return(scope.get('loaded_since')) }}
{% endmacro %}

{# A predicate on `column` (a client) for the model's reads: its touched clients when the
   model is built incrementally, else true. #}
{% macro for_touched_clients(column='client') %}
    {%- if this is none or not is_incremental() -%}{{ return('true') }}{%- endif -%}
    {{ return(clients_predicate(column, touched_clients())) }}
{% endmacro %}

{# A predicate on (`client`, `day`) for a model whose row of a client and day is made from
   that client's raw rows of that day alone (fct_account_daily): the touched clients' days
   from the first day of the rows `sources` loaded since the last build, when the model is
   built incrementally; else true. A night's page-level exports cover their month: 31 of a
   client's 730 days at L are recomputed, not all of them. Its pre_hook deletes the same
   rows (delete_touched_days). #}
{% macro for_touched_days(sources, client='client', day='date') %}
    {%- if this is none or not is_incremental() -%}{{ return('true') }}{%- endif -%}
    {%- set clients = touched_clients() -%}
    {%- set since = loaded_since() -%}
    {%- if clients is none or since is none -%}{{ return(clients_predicate(client, clients)) }}{%- endif -%}
    {%- set first_day_loaded -%}
        select min(first_day) from (
        {%- for s in sources %}
            {% if not loop.first %}union all {% endif -%}
            select min({{ day }}) as first_day from {{ s }}
            where loaded_at > cast('{{ since }}' as timestamptz)
        {%- endfor %}
        ) as loaded
    {%- endset -%}
    {%- set first = run_query(first_day_loaded).columns[0].values()[0] -%}
    {%- if first is none -%}{{ return('false') }}{%- endif -%}
    {{ return('(' ~ clients_predicate(client, clients) ~ ' and ' ~ day ~ " >= cast('" ~ first ~ "' as date))") }}
{% endmacro %}

{# pre_hook of a model read with for_touched_days: those rows go, the model appends them
   again. #}
{% macro delete_touched_days(sources) %}
    {%- if this is none or not is_incremental() -%}{{ return('') }}{%- endif -%}
    delete from {{ this }} where {{ for_touched_days(sources) }}
{% endmacro %}

{% macro clients_predicate(column, clients) %}
    {%- if clients is none -%}{{ return('true') }}{%- endif -%}
    {%- if clients | length == 0 -%}{{ return('false') }}{%- endif -%}
    {%- set quoted = [] -%}
    {%- for c in clients -%}{%- do quoted.append("'" ~ (c | replace("'", "''")) ~ "'") -%}{%- endfor -%}
    {{ return(column ~ ' in (' ~ quoted | join(', ') ~ ')') }}
{% endmacro %}

{# pre_hook of a client-scoped model: its rows of the touched clients go (the model then
   appends them again); every row on a night without a scope. A model without a client
   column names its `key` and a relation `through` that maps it to clients. #}
{% macro delete_touched_clients(key=none, through=none) %}
    {%- if this is none or not is_incremental() -%}{{ return('') }}{%- endif -%}
    {%- set clients = touched_clients() -%}
    {%- if key is none -%}
    delete from {{ this }} where {{ clients_predicate('client', clients) }}
    {%- else -%}
    delete from {{ this }} where {{ key }} in (
        select {{ key }} from {{ through }} where {{ clients_predicate('client', clients) }})
    {%- endif -%}
{% endmacro %}

{# The relation a data test reads: on a night with a scope, only the touched clients'
   rows of a relation with a `client` column (the others were tested as they are by an
   earlier build). Every row when the pipeline names no clients (pipelines/dbt_scope.py:
   the week's whole night, a full refresh...) and on a dbt run by hand. A test's own
   `where` still applies. #}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- set scoped = 'true' -%}
    {%- if execute and target.type == 'duckdb' and not flags.FULL_REFRESH
           and relation.schema is not none -%}
        {%- if has_client_column(relation) -%}
            {%- set scoped = clients_predicate('client', touched_clients()) -%}
        {%- endif -%}
    {%- endif -%}
    {%- if where or scoped != 'true' -%}
        {%- set filtered -%}
            (select * from {{ relation }} where ({{ where or 'true' }}) and {{ scoped }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}

{# Whether a relation read by a test has a `client` column: the pipeline names those the
   build database holds when dbt starts (one query, not one per test). #}
{% macro has_client_column(relation) %}
    {%- set scope = fromjson(env_var('SOCIALWH_DBT_SCOPE', 'null')) -%}
    {%- if not scope is mapping -%}{{ return(false) }}{%- endif -%}
    {{ return(((relation.schema ~ '.' ~ relation.identifier) | lower) in scope.get('by_client', [])) }}
{% endmacro %}
