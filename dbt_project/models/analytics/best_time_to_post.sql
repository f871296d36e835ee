-- When to post: per client, platform and content type, each local weekday x hour band with
-- the posts published in it, their median engagement rate and median impressions at 7
-- days, and whether enough posts stand behind the cell to read it (var('best_time_min_posts');
-- below that, no verdict). Medians, not means: one viral post does not make a good slot.
-- Only posts whose numbers are at least var('min_post_age_days') days old count (younger
-- ones have not had their reach). LinkedIn exports a date without a time: its hour band is
-- 'unknown'. content_type 'all' rows hold every content type of the platform together.
with posts as (
    select
        p.post_key,
        p.client,
        p.platform,
        p.content_type,
        p.engagement_rate,
        {{ instant_to_local('p.published_at', 'c.timezone') }} as published_local
    from {{ ref('fct_post_performance') }} as p
    join {{ ref('dim_client') }} as c using (client)
    where {{ days_between(
        'cast(' ~ instant_to_local('p.published_at', 'c.timezone') ~ ' as date)', 'p.metrics_as_of'
    ) }} >= {{ var('min_post_age_days') }}
)

select
    p.client,
    p.platform,
    coalesce(p.content_type, 'all') as content_type,
    {{ iso_weekday('p.published_local') }} as weekday,
    case
        when p.platform = 'linkedin' then 'unknown'
        when hour(p.published_local) < 6 then '00-06'
        when hour(p.published_local) < 9 then '06-09'
        when hour(p.published_local) < 12 then '09-12'
        when hour(p.published_local) < 15 then '12-15'
        when hour(p.published_local) < 18 then '15-18'
        when hour(p.published_local) < 21 then '18-21'
        else '21-24'
    end as hour_band,
    count(*) as posts,
    median(p.engagement_rate) as median_engagement_rate,
    median(a.impressions_7d) as median_impressions_7d,
    count(a.impressions_7d) as posts_seen_at_7_days,
    count(*) >= {{ var('best_time_min_posts') }} as enough_posts
from posts as p
left join {{ ref('fct_post_at_age') }} as a using (post_key)
group by grouping sets (
    (p.client, p.platform, p.content_type, weekday, hour_band),
    (p.client, p.platform, weekday, hour_band)
)
