{#
  One row per post and export day from a raw posts table. Several files of the same day
  may restate a post: lifetime totals only grow, so the larger restatement is the later
  one, whatever order the files were copied or loaded in.
#}
{% macro latest_restatement(relation) %}
    select *
    from {{ relation }}
    qualify row_number() over (
        partition by client, post_id, snapshot_date
        order by impressions desc nulls last, loaded_at desc, source_row_number desc
    ) = 1
{% endmacro %}
