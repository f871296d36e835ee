{#
  One row per post and export day from a raw posts table: the newest load wins, down as
  well as up (Meta lowers lifetime totals when it removes invalid views or clicks, and the
  re-export is the truth). Two files of the same day loaded by the same run: the larger
  restatement (lifetime totals only grow within one export), then the later row, then the
  file path (two equal rows of two files: the same pick on every engine).
  The run-level rule `restated_downward` warns when a load lowers a total.

  `relation`: a staging posts view, one row per raw row, carrying the raw table's row id
  (raw_row_id); `where`: the keys a night touched (all when none).
#}
{% macro latest_restatement(relation, where=none) %}
    {{ newest_rows(
        relation,
        'client, post_id, snapshot_date',
        'loaded_at, coalesce(impressions, -9223372036854775808), source_row_number, source_path',
        where=where,
        row_id='raw_row_id'
    ) }}
{% endmacro %}
