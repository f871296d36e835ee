-- One row per conversion; the same conversion re-exported in a later file counts once.
select
    client || '/' || conversion_key as conversion_id,
    client,
    occurred_at,
    conversion_type,
    value,
    upper(currency) as currency,
    lower(utm_source) as utm_source,
    lower(utm_medium) as utm_medium,
    utm_campaign,
    utm_content,
    source_path
from {{ source('raw', 'conversions') }}
qualify row_number() over (
    partition by client, conversion_key order by loaded_at desc, source_row_number desc
) = 1
