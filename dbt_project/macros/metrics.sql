{# Every metric of the warehouse, defined once: models call these macros, the report and
   the analysts read the columns they make (analytics.scorecard, analytics.campaigns_by_period
   hold the report's figures at every grain it shows). Arguments are SQL expressions: a
   post's counts, or their sums over a period. #}

{# A ratio that is NULL, never an error, when its denominator is zero or unknown. #}
{% macro safe_ratio(numerator, denominator) -%}
    cast({{ numerator }} as double) / nullif(cast({{ denominator }} as double), 0)
{%- endmacro %}

{# Text folded for matching French and English values alike. #}
{% macro folded(text) -%}
    lower({{ strip_accents('coalesce(' ~ text ~ ", '')") }})
{%- endmacro %}

{# Engagements: reactions + comments + shares + saves + clicks of relation alias `t` (or of
   the bare columns); a part the platform does not report counts as 0. #}
{% macro engagements(t=none) -%}
    {%- set c = (t ~ '.') if t else '' -%}
    coalesce({{ c }}reactions, 0) + coalesce({{ c }}comments, 0) + coalesce({{ c }}shares, 0)
        + coalesce({{ c }}saves, 0) + coalesce({{ c }}clicks, 0)
{%- endmacro %}

{# The organic rates. #}
{% macro engagement_rate(engagements, impressions) -%}
    {{ safe_ratio(engagements, impressions) }}
{%- endmacro %}
{% macro engagement_rate_by_reach(engagements, reach) -%}
    {{ safe_ratio(engagements, reach) }}
{%- endmacro %}
{% macro ctr(clicks, impressions) -%}
    {{ safe_ratio(clicks, impressions) }}
{%- endmacro %}
{% macro conversion_rate(conversions, clicks) -%}
    {{ safe_ratio(conversions, clicks) }}
{%- endmacro %}
{# Over several posts, the impressions of the posts whose reach is known over their reach. #}
{% macro frequency(impressions, reach) -%}
    {{ safe_ratio(impressions, reach) }}
{%- endmacro %}
{% macro per_post(value, posts) -%}
    {{ safe_ratio(value, posts) }}
{%- endmacro %}
{# A relative change, a fraction: 0.1 = +10 %. #}
{% macro relative_change(value, previous) -%}
    {{ safe_ratio(value, previous) }} - 1
{%- endmacro %}

{# The paid rates, defined once for every grain (an ad's window, a campaign's period):
   over the columns of relation alias `t` (spend, impressions, clicks, link_clicks). #}
{% macro paid_rates(t) -%}
    {{ safe_ratio(t ~ '.spend * 1000', t ~ '.impressions') }} as cpm,
    {{ safe_ratio(t ~ '.spend', 'coalesce(' ~ t ~ '.link_clicks, ' ~ t ~ '.clicks)') }} as cpc,
    {{ ctr(t ~ '.clicks', t ~ '.impressions') }} as ctr,
    {{ safe_ratio(t ~ '.spend', t ~ '.attributed_conversions') }} as cost_per_attributed_conversion
{%- endmacro %}
{# What one of Meta's results cost (what a result is: the campaign's result_indicator). #}
{% macro cost_per_result(t) -%}
    {{ safe_ratio(t ~ '.spend', t ~ '.results') }}
{%- endmacro %}

{# How many periods before a period its baseline averages over, per period grain. #}
{% macro baseline_periods() -%}
    {{ return({'week': 8, 'month': 3, 'quarter': 4, 'year': 2}) }}
{%- endmacro %}

{# A period against the ones before it, over a calendar (every period of a series present,
   posts 0 where none): columns of relation alias `r` (period_grain, impressions, posts,
   engagement_rate, ctr), over the windows period_windows() declares. #}
{% macro period_comparisons(r) -%}
    lag({{ r }}.impressions) over w as previous_impressions,
    {{ relative_change(r ~ '.impressions', 'lag(' ~ r ~ '.impressions) over w') }} as impressions_change,
    {{ r }}.engagement_rate - lag({{ r }}.engagement_rate) over w as engagement_rate_change,
    {{ r }}.ctr - lag({{ r }}.ctr) over w as ctr_change,
    -- the baseline's length differs by grain; a frame's bounds are constants on Spark
    case {{ r }}.period_grain
        {%- for grain, periods in baseline_periods().items() %}
        when '{{ grain }}' then {{ per_post(
            'sum(' ~ r ~ '.impressions) over baseline_' ~ periods,
            'sum(' ~ r ~ '.posts) over baseline_' ~ periods
        ) }}
        {%- endfor %}
    end as baseline_impressions_per_post
{%- endmacro %}

{# The windows of period_comparisons: a series (`partition_by`, its grain included) in
   period order. #}
{% macro period_windows(partition_by, order_by) -%}
    w as (partition by {{ partition_by }} order by {{ order_by }}),
    {%- for periods in baseline_periods().values() %}
    baseline_{{ periods }} as (
        partition by {{ partition_by }} order by {{ order_by }}
        rows between {{ periods }} preceding and 1 preceding
    ){{ "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}
