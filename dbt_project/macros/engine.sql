{#
  Where DuckDB and Spark SQL differ, one macro with both implementations (adapter.dispatch):
  the models read the same on both engines and DuckDB's SQL stays what it was (its speed
  too). The `spark__` versions are for Spark 4 (dbt-spark, session or Thrift); DuckDB is
  the default engine. Timestamps: Spark runs with spark.sql.session.timeZone=UTC, so its
  TIMESTAMP is an instant shown in UTC, like DuckDB's TIMESTAMPTZ here.
#}

{# The materialization of a model that is incremental on DuckDB. Spark without a table
   format that can delete rows (Delta/Iceberg jars are not available offline) has no
   delete+insert: there the model is rebuilt whole, which is the same result. #}
{% macro incremental_or_table() %}
    {{ return(adapter.dispatch('incremental_or_table', 'socialwh')()) }}
{% endmacro %}
{% macro default__incremental_or_table() %}{{ return('incremental') }}{% endmacro %}
{% macro spark__incremental_or_table() %}{{ return('table') }}{% endmacro %}

{# The value of `value` on the row with the largest `order_by` tuple of its group. #}
{% macro arg_max(value, order_by) %}
    {{- return(adapter.dispatch('arg_max', 'socialwh')(value, order_by)) -}}
{% endmacro %}
{% macro default__arg_max(value, order_by) -%}
    arg_max({{ value }}, ({{ order_by }}))
{%- endmacro %}
{% macro spark__arg_max(value, order_by) -%}
    max_by({{ value }}, struct({{ order_by }}))
{%- endmacro %}

{# One row per group: the row with the largest `order_by` tuple, read whole (see
   newest_rows for why). DuckDB picks the winner's row id over the keys only (`row_id`: the
   table's rowid, or the raw table's rowid carried by a one-to-one view); Spark has no row
   id, so it keeps the largest (order, row) struct of each group and unpacks it. `where`
   limits both the groups and the rows read (a night's touched keys). `also_joined_on`:
   more group columns, never NULL in `relation`, that a reader may filter on (below). #}
{% macro rows_with_max(relation, group_by, order_by, where, row_id='rowid', also_joined_on=[]) %}
    {{- return(adapter.dispatch('rows_with_max', 'socialwh')(relation, group_by, order_by, where, row_id, also_joined_on)) -}}
{% endmacro %}
{# Groups led by the client are joined on the client too: a model that reads the
   touched clients' rows (macros/touched_clients.sql) filters the view on `client`, and
   DuckDB carries that filter through the join's equal columns into the aggregate, which
   then reads those clients' rows only (an IN over the winners aggregates every client:
   fct_account_daily at L 0.94 s a night for 10 clients, the same as for 200). A raw row
   always has its client (the loader takes it from the folder), so the join loses none;
   the columns `also_joined_on` carry a filter the same way (a night's touched days). #}
{% macro default__rows_with_max(relation, group_by, order_by, where, row_id, also_joined_on) %}
    {% if group_by.split(',')[0].strip() == 'client' and not where %}
    select sw_rows.*
    from {{ relation }} as sw_rows
    inner join (
        select client, {% for c in also_joined_on %}{{ c }}, {% endfor %}arg_max({{ row_id }}, ({{ order_by }})) as sw_winner
        from {{ relation }}
        group by {{ group_by }}
    ) as sw_winners
        on sw_rows.{{ row_id }} = sw_winners.sw_winner and sw_rows.client = sw_winners.client
        {% for c in also_joined_on %}and sw_rows.{{ c }} = sw_winners.{{ c }}{% endfor %}
    {% else %}
    select *
    from {{ relation }}
    where {{ row_id }} in (
        select arg_max({{ row_id }}, ({{ order_by }}))
        from {{ relation }}
        {% if where %}where {{ where }}{% endif %}
        group by {{ group_by }}
    )
    {% if where %}and ({{ where }}){% endif %}
    {% endif %}
{% endmacro %}
{% macro spark__rows_with_max(relation, group_by, order_by, where, row_id, also_joined_on) %}
    select newest.winner.*
    from (
        select max_by(struct(*), struct({{ order_by }})) as winner
        from {{ relation }}
        {% if where %}where {{ where }}{% endif %}
        group by {{ group_by }}
    ) as newest
{% endmacro %}

{# The row's own id in a raw table, carried by a one-to-one staging view so that a model
   can deduplicate the view's rows the way it would the table's (rows_with_max). Spark has
   no row id and needs none there. #}
{% macro raw_row_id() %}
    {{- return(adapter.dispatch('raw_row_id', 'socialwh')()) -}}
{% endmacro %}
{% macro default__raw_row_id() %}rowid{% endmacro %}
{% macro spark__raw_row_id() %}cast(null as bigint){% endmacro %}

{# The instant of a wall-clock time read in time zone `tz` (Meta's publish times). #}
{% macro local_to_instant(local_ts, tz) %}
    {{- return(adapter.dispatch('local_to_instant', 'socialwh')(local_ts, tz)) -}}
{% endmacro %}
{% macro default__local_to_instant(local_ts, tz) -%}
    timezone({{ tz }}, {{ local_ts }})
{%- endmacro %}
{% macro spark__local_to_instant(local_ts, tz) -%}
    to_utc_timestamp(cast({{ local_ts }} as timestamp), {{ tz }})
{%- endmacro %}

{# The wall-clock time of an instant in time zone `tz` (a client's local day and hour). #}
{% macro instant_to_local(instant, tz) %}
    {{- return(adapter.dispatch('instant_to_local', 'socialwh')(instant, tz)) -}}
{% endmacro %}
{% macro default__instant_to_local(instant, tz) -%}
    timezone({{ tz }}, {{ instant }})
{%- endmacro %}
{% macro spark__instant_to_local(instant, tz) -%}
    cast(from_utc_timestamp({{ instant }}, {{ tz }}) as timestamp_ntz)
{%- endmacro %}

{# The date `days` days after `day`; and the days from `start` to `end` (an integer). #}
{% macro add_days(day, days) %}
    {{- return(adapter.dispatch('add_days', 'socialwh')(day, days)) -}}
{% endmacro %}
{% macro default__add_days(day, days) -%}({{ day }} + {{ days }}){%- endmacro %}
{% macro spark__add_days(day, days) -%}date_add({{ day }}, {{ days }}){%- endmacro %}

{% macro days_between(start, end) %}
    {{- return(adapter.dispatch('days_between', 'socialwh')(start, end)) -}}
{% endmacro %}
{% macro default__days_between(start, end) -%}({{ end }} - {{ start }}){%- endmacro %}
{# Spark's date - date is an INTERVAL, not a number of days #}
{% macro spark__days_between(start, end) -%}datediff({{ end }}, {{ start }}){%- endmacro %}

{# ISO day of the week, Monday 1 to Sunday 7. #}
{% macro iso_weekday(ts) %}
    {{- return(adapter.dispatch('iso_weekday', 'socialwh')(ts)) -}}
{% endmacro %}
{% macro default__iso_weekday(ts) -%}isodow({{ ts }}){%- endmacro %}
{% macro spark__iso_weekday(ts) -%}(weekday({{ ts }}) + 1){%- endmacro %}

{# Text without accents. Spark has no strip_accents: translate() maps every precomposed
   Latin letter (Latin-1, Extended-A/B, Extended Additional: French, Polish, Czech,
   Turkish, Vietnamese...) to what DuckDB's strip_accents gives, and drops combining
   marks. Letters that are not an accented form (ł, ø, æ, ß) stay, as in DuckDB. A test
   (tests/test_engine_macros.py) checks this table against DuckDB character by character. #}
{% macro strip_accents(text) %}
    {{- return(adapter.dispatch('strip_accents', 'socialwh')(text)) -}}
{% endmacro %}
{% macro default__strip_accents(text) -%}strip_accents({{ text }}){%- endmacro %}
{% macro spark__strip_accents(text) -%}
    translate({{ text }}, '{{ accent_table()[0] }}', '{{ accent_table()[1] }}')
{%- endmacro %}
{% macro accent_table() %}
    {{- return(['ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǞǟǠǡǢǣǦǧǨǩǪǫǬǭǮǯǰǴǵǸǹǺǻǼǽǾǿȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȞȟȦȧȨȩȪȫȬȭȮȯȰȱȲȳḀḁḂḃḄḅḆḇḈḉḊḋḌḍḎḏḐḑḒḓḔḕḖḗḘḙḚḛḜḝḞḟḠḡḢḣḤḥḦḧḨḩḪḫḬḭḮḯḰḱḲḳḴḵḶḷḸḹḺḻḼḽḾḿṀṁṂṃṄṅṆṇṈṉṊṋṌṍṎṏṐṑṒṓṔṕṖṗṘṙṚṛṜṝṞṟṠṡṢṣṤṥṦṧṨṩṪṫṬṭṮṯṰṱṲṳṴṵṶṷṸṹṺṻṼṽṾṿẀẁẂẃẄẅẆẇẈẉẊẋẌẍẎẏẐẑẒẓẔẕẖẗẘẙẛẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹ̴̵̶̷̸̡̢̧̨̛̖̗̘̙̜̝̞̟̠̣̤̥̦̩̪̫̬̭̮̯̰̱̲̳̹̺̻̼͇͈͉͍͎̀́̂̃̄̅̆̇̈̉̊̋̌̍̎̏̐̑̒̓̔̽̾̿̀́͂̓̈́͆͊͋͌̕̚ͅ͏͓͔͕͖͙͚͐͑͒͗͛ͣͤͥͦͧͨͩͪͫͬͭͮͯ͘͜͟͢͝͞͠͡', 'AAAAAACEEEEIIIINOOOOOUUUUYaaaaaaceeeeiiiinooooouuuuyyAaAaAaCcCcCcCcDdEeEeEeEeEeGgGgGgGgHhIiIiIiIiIJjKkLlLlLlNnNnNnOoOoOoRrRrRrSsSsSsSsTtTtUuUuUuUuUuUuWwYyYZzZzZzOoUuAaIiOoUuUuUuUuUuAaAaÆæGgKkOoOoƷʒjGgNnAaÆæØøAaAaEeEeIiIiOoOoRrRrUuUuSsTtHhAaEeOoOoOoOoYyAaBbBbBbCcDdDdDdDdDdEeEeEeEeEeFfGgHhHhHhHhHhIiIiKkKkKkLlLlLlLlMmMmMmNnNnNnNnOoOoOoOoPpPpRrRrRrRrSsSsSsSsSsTtTtTtTtUuUuUuUuUuVvVvWwWwWwWwWwXxXxYyZzZzZzhtwyſAaAaAaAaAaAaAaAaAaAaAaAaEeEeEeEeEeEeEeEeIiIiOoOoOoOoOoOoOoOoOoOoOoOoUuUuUuUuUuUuUuYyYyYyYy']) -}}
{% endmacro %}

{# Whether `text` contains a match of the regular expression `pattern`. #}
{% macro regexp_contains(text, pattern) %}
    {{- return(adapter.dispatch('regexp_contains', 'socialwh')(text, pattern)) -}}
{% endmacro %}
{% macro default__regexp_contains(text, pattern) -%}
    regexp_matches({{ text }}, {{ pattern }})
{%- endmacro %}
{% macro spark__regexp_contains(text, pattern) -%}
    ({{ text }} rlike {{ pattern }})
{%- endmacro %}

{# The distinct values of a group, sorted, joined by `separator` (NULLs left out). #}
{% macro sorted_distinct_list(value, separator) %}
    {{- return(adapter.dispatch('sorted_distinct_list', 'socialwh')(value, separator)) -}}
{% endmacro %}
{% macro default__sorted_distinct_list(value, separator) -%}
    string_agg(distinct {{ value }}, {{ separator }} order by {{ value }})
{%- endmacro %}
{% macro spark__sorted_distinct_list(value, separator) -%}
    nullif(array_join(array_sort(collect_set({{ value }})), {{ separator }}), '')
{%- endmacro %}

{# The first day of the period (week, month, quarter) after the one starting on `start`,
   and every period start from `first_start` to `last_start` (one row each). #}
{% macro next_period_start(start, grain) %}
    {{- return(adapter.dispatch('next_period_start', 'socialwh')(start, grain)) -}}
{% endmacro %}
{% macro default__next_period_start(start, grain) -%}
    cast({{ start }} + case {{ grain }} when 'week' then interval 7 day
        when 'month' then interval 1 month when 'quarter' then interval 3 month
        else interval 12 month end as date)
{%- endmacro %}
{% macro spark__next_period_start(start, grain) -%}
    case {{ grain }} when 'week' then date_add({{ start }}, 7)
        when 'month' then add_months({{ start }}, 1) when 'quarter' then add_months({{ start }}, 3)
        else add_months({{ start }}, 12) end
{%- endmacro %}

{% macro period_starts(first_start, last_start, grain) %}
    {{- return(adapter.dispatch('period_starts', 'socialwh')(first_start, last_start, grain)) -}}
{% endmacro %}
{% macro default__period_starts(first_start, last_start, grain) -%}
    cast(unnest(generate_series(
        cast({{ first_start }} as timestamp), cast({{ last_start }} as timestamp),
        case {{ grain }} when 'week' then interval 7 day
            when 'month' then interval 1 month when 'quarter' then interval 3 month
            else interval 12 month end
    )) as date)
{%- endmacro %}
{# a day step and a month step are two interval types in Spark: one sequence per grain #}
{% macro spark__period_starts(first_start, last_start, grain) -%}
    explode(case {{ grain }}
        when 'week' then sequence({{ first_start }}, {{ last_start }}, interval 7 day)
        when 'month' then sequence({{ first_start }}, {{ last_start }}, interval 1 month)
        when 'quarter' then sequence({{ first_start }}, {{ last_start }}, interval 3 month)
        else sequence({{ first_start }}, {{ last_start }}, interval 12 month) end)
{%- endmacro %}

{# Per row of `relation`: the median and count of `value` over the rows of its partition
   whose `order_col` instant lies in the `days` days before its own (rows of the same
   instant excluded). DuckDB: a RANGE window with EXCLUDE GROUP (one sort). Spark has no
   EXCLUDE and no median over a frame: a self-join on the partition and the interval. #}
{% macro median_of_earlier(relation, key, partition_by, order_col, value, days) %}
    {{- return(adapter.dispatch('median_of_earlier', 'socialwh')(
        relation, key, partition_by, order_col, value, days)) -}}
{% endmacro %}
{% macro default__median_of_earlier(relation, key, partition_by, order_col, value, days) %}
    select
        {{ key }},
        median({{ value }}) over earlier as baseline_{{ value }},
        count({{ value }}) over earlier as baseline_posts
    from {{ relation }}
    window earlier as (
        partition by {{ partition_by | join(', ') }}
        order by {{ order_col }}
        range between interval {{ days }} days preceding and current row exclude group
    )
{% endmacro %}
{% macro spark__median_of_earlier(relation, key, partition_by, order_col, value, days) %}
    select
        p.{{ key }},
        median(e.{{ value }}) as baseline_{{ value }},
        count(e.{{ value }}) as baseline_posts
    from {{ relation }} as p
    left join {{ relation }} as e
        on {% for column in partition_by %}e.{{ column }} = p.{{ column }} and {% endfor %}
        e.{{ order_col }} >= p.{{ order_col }} - interval {{ days }} days
        and e.{{ order_col }} < p.{{ order_col }}
    group by p.{{ key }}
{% endmacro %}

{# The md5 of a relation's whole content (seed_version), as one query. #}
{% macro content_md5_query(relation) %}
    {{- return(adapter.dispatch('content_md5_query', 'socialwh')(relation)) -}}
{% endmacro %}
{% macro default__content_md5_query(relation) -%}
    select md5(coalesce(string_agg(t::varchar, chr(10) order by t::varchar), '')) from {{ relation }} as t
{%- endmacro %}
{% macro spark__content_md5_query(relation) -%}
    select md5(array_join(array_sort(collect_list(to_json(struct(*)))), chr(10))) from {{ relation }}
{%- endmacro %}

{# Spark reads the raw tables from the Parquet files the pipeline exports before each
   build (pipelines/spark/raw_export.py), one folder per table, one sub-folder per client.
   Registered afresh at every run start: a new client's folder or a new column is seen.
   DuckDB reads them in place: nothing to do. #}
{% macro register_raw_sources() %}
    {{- return(adapter.dispatch('register_raw_sources', 'socialwh')()) -}}
{% endmacro %}
{% macro default__register_raw_sources() %}select 1{% endmacro %}
{% macro spark__register_raw_sources() %}
    {%- if execute -%}
    {%- set root = var('socialwh_spark_raw', env_var('SOCIALWH_SPARK_RAW', '')) -%}
    {%- if not root -%}
        {{ exceptions.raise_compiler_error(
            "socialwh_spark_raw is not set: run the Spark build through `socialwh run --engine spark`, "
            "which exports the raw tables to Parquet first") }}
    {%- endif -%}
    {% do run_query("create database if not exists raw") %}
    {%- for source in graph.sources.values() if source.source_name == 'raw' %}
        {% do run_query("drop table if exists raw." ~ source.name) %}
        {% do run_query("create table raw." ~ source.name ~ " using parquet location '"
            ~ root ~ "/" ~ source.name ~ "'") %}
    {%- endfor %}
    {%- endif -%}
    select 1
{% endmacro %}

{# The rows of a large model written in the order of `columns` (its key, which begins with
   the client: fct_post_daily, fct_campaign_daily): DuckDB keeps each row group's smallest and largest value, so a read of some
   clients' or posts' rows (a night's tests, its publish, its deletes) skips the row groups
   holding none of them. At L fct_post_daily's 6.7 million rows, hashed for ten clients:
   0.067 s stored in no order, 0.017 s in this one. Only for narrow tables: sorting the
   6.7 million snapshots of int_post_snapshots_unioned (captions and all) beside the full
   build's other models ran out of a 3 GB memory limit at L. Spark writes no such
   statistics here: no sort there. #}
{% macro clustered_by(columns) %}
    {{- return(adapter.dispatch('clustered_by', 'socialwh')(columns)) -}}
{% endmacro %}
{% macro default__clustered_by(columns) -%}
    order by {{ columns }}
{%- endmacro %}
{% macro spark__clustered_by(columns) %}{% endmacro %}
