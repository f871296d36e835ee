{#
  One row per post and export day from a raw posts table. Several files of the same day
  may restate a post: lifetime totals only grow, so the larger restatement is the later
  one, whatever order the files were copied or loaded in (ties: the later load, then the
  later row).
#}
{% macro latest_restatement(relation) %}
    {{ newest_rows(
        relation,
        'client, post_id, snapshot_date',
        'coalesce(impressions, -9223372036854775808), loaded_at, source_row_number'
    ) }}
{% endmacro %}
