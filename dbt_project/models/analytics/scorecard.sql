-- One row per scope (one client, or every client: client NULL), period (week, month,
-- quarter, year; the posts' publication day in the client's time zone), breakdown (the
-- total, or per platform, content type, content type and theme) and value of the
-- breakdown: the figures of `socialwh report` for any scope and period, from the posts
-- published in it. Rates come from the period's sums (macros/metrics.sql), never averaged.
-- Every series is on a calendar from its first period to its last (posts 0 where none),
-- so a change is against the previous calendar period and the baseline counts quiet
-- periods, as in analytics.trend. Sum one breakdown only: the others repeat its posts.
with published as (
    {%- for grain in baseline_periods() %}
    select
        '{{ grain }}' as period_grain,
        cast(date_trunc('{{ grain }}', published_date) as date) as period_start,
        client, platform, content_type, theme, impressions, reach, engagements, clicks,
        conversions
    from {{ ref('posts') }}
    {{ "union all" if not loop.last }}
    {%- endfor %}
),

sums as (
    select
        period_grain,
        period_start,
        client,
        case
            when grouping(theme) = 0 then 'content_type_theme'
            when grouping(content_type) = 0 then 'content_type'
            when grouping(platform) = 0 then 'platform'
            else 'total'
        end as breakdown,
        platform,
        content_type,
        theme,
        count(*) as posts,
        sum(impressions) as impressions,
        sum(reach) as reach_sum,
        sum(case when reach > 0 then impressions end) as impressions_with_reach,
        sum(engagements) as engagements,
        sum(clicks) as clicks,
        sum(conversions) as conversions
    from published
    group by grouping sets (
        (period_grain, period_start, client),
        (period_grain, period_start, client, platform),
        (period_grain, period_start, client, content_type),
        (period_grain, period_start, client, content_type, theme),
        (period_grain, period_start),
        (period_grain, period_start, platform),
        (period_grain, period_start, content_type),
        (period_grain, period_start, content_type, theme)
    )
),

keyed as (  -- one text key per series: the calendar joins on it (its parts may be NULL)
    select
        concat_ws('|', coalesce(client, '*'), breakdown, coalesce(platform, '*'),
            coalesce(content_type, '*'), coalesce(theme, '*'), period_grain) as series,
        *
    from sums
),

series as (
    select
        series, period_grain, client, breakdown, platform, content_type, theme,
        min(period_start) as first_start,
        max(period_start) as last_start
    from keyed
    group by all
),

calendar as (
    select
        s.*,
        {{ period_starts('s.first_start', 's.last_start', 's.period_grain') }} as period_start
    from series as s
),

rated as (
    select
        k.series,
        k.period_grain,
        k.period_start,
        k.client,
        k.breakdown,
        k.platform,
        k.content_type,
        k.theme,
        coalesce(p.posts, 0) as posts,
        coalesce(p.impressions, 0) as impressions,
        p.reach_sum,  -- NULL where no post reports reach (LinkedIn): not 0 people
        {{ frequency('p.impressions_with_reach', 'p.reach_sum') }} as frequency,
        coalesce(p.engagements, 0) as engagements,
        {{ engagement_rate('p.engagements', 'p.impressions') }} as engagement_rate,
        coalesce(p.clicks, 0) as clicks,
        {{ ctr('p.clicks', 'p.impressions') }} as ctr,
        p.conversions,
        {{ conversion_rate('p.conversions', 'p.clicks') }} as conversion_rate,
        {{ per_post('p.impressions', 'p.posts') }} as impressions_per_post
    from calendar as k
    left join keyed as p
        on p.series = k.series and p.period_start = k.period_start
)

select
    r.period_grain,
    r.period_start,
    r.client,
    c.name as client_name,
    r.breakdown,
    r.platform,
    r.content_type,
    r.theme,
    r.posts,
    r.impressions,
    r.reach_sum,
    r.frequency,
    r.engagements,
    r.engagement_rate,
    r.clicks,
    r.ctr,
    r.conversions,
    r.conversion_rate,
    r.impressions_per_post,
    {{ period_comparisons('r') }}
from rated as r
left join {{ ref('dim_client') }} as c on c.client = r.client
window {{ period_windows('r.series', 'r.period_start') }}
