-- Which content type and theme worked best for a client this quarter, on reach,
-- engagement, clicks and appointments? (impressions never alone)
select
    platform, content_type, theme, posts, impressions, reach_sum,
    round({{ frequency('impressions', 'reach_sum') }}, 2) as frequency_per_post_reach,
    round(engagement_rate, 4) as engagement_rate,
    round(ctr, 4) as ctr,
    conversions,
    round(conversion_rate, 4) as conversion_rate
from {{ ref('fct_content_performance') }}
where client = '{{ var("client", "clinique-sante-plus") }}'
  and period_grain = 'quarter'
  and period_start = date '{{ var("quarter_start", "2026-01-01") }}'
order by engagement_rate desc nulls last
