-- One row per client.
select client, name, sector, timezone, is_listed_in_register
from {{ ref('stg_clients__clients') }}
