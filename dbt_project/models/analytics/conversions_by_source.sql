-- Conversions per month by where they came from: the post, the campaign or only the
-- platform their UTM tags name, or none.
select
    c.client,
    d.name as client_name,
    cast(date_trunc('month', {{ instant_to_local('c.occurred_at', 'd.timezone') }}) as date) as month,
    c.conversion_type,
    c.attribution,
    coalesce(c.platform, 'unknown') as platform,
    c.campaign,
    count(*) as conversions,
    sum(c.value) as value,
    max(c.currency) as currency
from {{ ref('fct_conversions') }} as c
join {{ ref('dim_client') }} as d using (client)
group by all
