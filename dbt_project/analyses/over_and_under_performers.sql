-- Exceptional and abnormally poor posts against their 8-week baseline, with links.
select
    b.client, b.platform, b.published_at, d.content_type, d.theme,
    b.impressions, b.baseline_impressions, round(b.impressions_index, 2) as impressions_index,
    b.performance_flag, d.permalink
from {{ ref('fct_post_benchmarks') }} as b
join {{ ref('dim_post') }} as d using (post_key)
where b.performance_flag in ('over', 'under')
order by b.impressions_index desc
