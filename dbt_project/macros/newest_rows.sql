{#
  One row per group of a raw table: the row with the largest `order_by` (a tuple of
  columns, e.g. the export date, then the load, then the row), read whole.

  The winner is picked by an aggregate over the keys (arg_max of the row id), then its row
  is read whole: a window over every column sorts the captions along (4x slower on 6
  million post snapshots; 2x on 876,000 ad rows).
#}
{% macro newest_rows(relation, group_by, order_by) %}
    select *
    from {{ relation }}
    where rowid in (
        select arg_max(rowid, ({{ order_by }}))
        from {{ relation }}
        group by {{ group_by }}
    )
{% endmacro %}
