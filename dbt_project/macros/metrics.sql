{# A ratio that is NULL, never an error, when its denominator is zero or unknown. #}
{% macro safe_ratio(numerator, denominator) -%}
    ({{ numerator }})::DOUBLE / NULLIF(({{ denominator }})::DOUBLE, 0)
{%- endmacro %}

{# Text folded for matching French and English values alike. #}
{% macro folded(text) -%}
    lower(strip_accents(coalesce({{ text }}, '')))
{%- endmacro %}
