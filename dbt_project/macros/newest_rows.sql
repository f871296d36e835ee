{#
  One row per group of a raw table: the row with the largest `order_by` (a tuple of
  columns, e.g. the export date, then the load, then the row), read whole.

  On DuckDB the winner is picked by an aggregate over the keys (arg_max of the row id),
  then its row is read whole (macro rows_with_max, engine.sql): a window over every
  column sorts the captions along (4x slower on 6 million post snapshots; 2x on 876,000
  ad rows).
#}
{% macro newest_rows(relation, group_by, order_by, where=none, row_id='rowid', also_joined_on=[]) %}
    {{ rows_with_max(relation, group_by, order_by, where, row_id, also_joined_on) }}
{% endmacro %}
