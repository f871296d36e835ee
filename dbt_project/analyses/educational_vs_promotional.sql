-- Did educational videos reach more people than promotions this quarter, and did any of
-- it fill the agenda? Reach per post (never a sum of people), engagement, conversions.
select
    p.theme,
    p.content_type in ('video', 'reel') as is_video,
    count(*) as posts,
    round(avg(p.reach)) as avg_reach_per_post,
    sum(p.impressions) as impressions,
    round({{ engagement_rate('sum(p.engagements)', 'sum(p.impressions)') }}, 4) as engagement_rate,
    sum(p.conversions) as conversions
from {{ ref('fct_post_performance') }} as p
where p.theme in ('educational', 'promotional')
  and p.published_at >= timestamptz '{{ var("quarter_start", "2026-01-01") }} 00:00:00-05'
group by all
order by p.theme, is_video
