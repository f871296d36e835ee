-- Where did appointments, calls, registrations and purchases come from?
select
    client, conversion_type, attribution, coalesce(platform, 'unknown') as platform,
    count(*) as conversions, sum(value) as value
from {{ ref('fct_conversions') }}
group by all
order by client, conversion_type, conversions desc
