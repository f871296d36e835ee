{# A ratio that is NULL, never an error, when its denominator is zero or unknown. #}
{% macro safe_ratio(numerator, denominator) -%}
    cast({{ numerator }} as double) / nullif(cast({{ denominator }} as double), 0)
{%- endmacro %}

{# Text folded for matching French and English values alike. #}
{% macro folded(text) -%}
    lower({{ strip_accents('coalesce(' ~ text ~ ", '')") }})
{%- endmacro %}

{# The paid rates, defined once for every grain (an ad's window, a campaign's period):
   over the columns of relation alias `t` (spend, impressions, clicks, link_clicks). #}
{% macro paid_rates(t) -%}
    {{ safe_ratio(t ~ '.spend * 1000', t ~ '.impressions') }} as cpm,
    {{ safe_ratio(t ~ '.spend', 'coalesce(' ~ t ~ '.link_clicks, ' ~ t ~ '.clicks)') }} as cpc,
    {{ safe_ratio(t ~ '.clicks', t ~ '.impressions') }} as ctr,
    {{ safe_ratio(t ~ '.spend', t ~ '.attributed_conversions') }} as cost_per_attributed_conversion
{%- endmacro %}
