{#- A fingerprint of a seed's whole content, read at run time (empty while parsing). An
    incremental model stores it on its rows and, when the seed has changed since, rebuilds
    the rows the seed shapes: a `dbt build` by hand after an analyst edits a seed is right
    without --full-refresh. -#}
{% macro seed_version(relation) -%}
    {%- if execute -%}
        {%- set found = run_query(content_md5_query(relation)) -%}
        {{- return(found.columns[0].values()[0]) -}}
    {%- endif -%}
    {{- return('') -}}
{%- endmacro %}
