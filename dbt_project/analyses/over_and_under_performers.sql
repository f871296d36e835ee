-- Exceptional and abnormally poor posts against their 8-week baseline, with links
-- (analytics.posts).
select
    client, platform, published_date, content_type, theme, impressions,
    baseline_impressions, round(impressions_index, 2) as impressions_index, performance,
    permalink
from {{ ref('posts') }}
where performance in ('over', 'under')
order by impressions_index desc
