{#
  One row per group of a raw table: the row with the largest `order_by` (a tuple of
  columns, e.g. the export date, then the load, then the row), read whole.

  The winner is picked by an aggregate over the keys (arg_max of the row id), then its row
  is read whole: a window over every column sorts the captions along (4x slower on 6
  million post snapshots; 2x on 876,000 ad rows).

  The winners are joined back on the row id and on the key columns too: a filter a
  caller puts on those keys (an incremental model's "only the touched posts") then
  reaches the aggregate's own scan, which otherwise groups the whole raw table every
  night. `key_columns` lists the plain columns of `group_by` (default: all of its
  comma-separated items, which must then be plain columns).
#}
{% macro newest_rows(relation, group_by, order_by, key_columns=none) %}
    {%- set keys = key_columns if key_columns is not none
        else group_by.split(',') | map('trim') | list -%}
    select candidate.*
    from {{ relation }} as candidate
    semi join (
        select {{ keys | join(', ') }}, arg_max(rowid, ({{ order_by }})) as newest_rowid
        from {{ relation }}
        group by {{ group_by }}
    ) as newest
        on candidate.rowid = newest.newest_rowid
        {%- for key in keys %}
        and candidate.{{ key }} is not distinct from newest.{{ key }}
        {%- endfor %}
{% endmacro %}
