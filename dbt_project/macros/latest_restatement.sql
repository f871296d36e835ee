{#
  One row per post and export day from a raw posts table. Several files of the same day
  may restate a post: lifetime totals only grow, so the larger restatement is the later
  one, whatever order the files were copied or loaded in (ties: the later load, then the
  later row).

  The winner is picked by an aggregate over the keys (arg_max of the row id), then its row
  is read whole: a window over every column sorts the captions along (4x slower on 6
  million snapshots).
#}
{% macro latest_restatement(relation) %}
    select *
    from {{ relation }}
    where rowid in (
        select arg_max(
            rowid,
            (coalesce(impressions, -9223372036854775808), loaded_at, source_row_number)
        )
        from {{ relation }}
        group by client, post_id, snapshot_date
    )
{% endmacro %}
