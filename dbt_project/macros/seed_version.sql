{#- A fingerprint of a seed's whole content, read at run time (empty while parsing). An
    incremental model stores it on its rows and, when the seed has changed since, rebuilds
    the rows the seed shapes: a `dbt build` by hand after an analyst edits a seed is right
    without --full-refresh. -#}
{% macro seed_version(relation) -%}
    {%- if execute -%}
        {%- set found = run_query(
            "select md5(coalesce(string_agg(t::varchar, chr(10) order by t::varchar), '')) from "
            ~ relation ~ " as t"
        ) -%}
        {{- return(found.columns[0].values()[0]) -}}
    {%- endif -%}
    {{- return('') -}}
{%- endmacro %}
