-- The client register, one row per client slug.
select
    client,
    name,
    sector,
    timezone,
    listed as is_listed_in_register
from {{ source('raw', 'clients') }}
