-- Where did appointments, calls, registrations and purchases come from?
-- (analytics.conversions_by_source, summed over months)
select
    client, conversion_type, attribution, platform,
    sum(conversions) as conversions, sum(value) as value
from {{ ref('conversions_by_source') }}
group by all
order by client, conversion_type, conversions desc
