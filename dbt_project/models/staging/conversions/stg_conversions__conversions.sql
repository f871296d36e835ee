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
from (
    {{ newest_rows(
        source('raw', 'conversions'), 'client, conversion_key', 'loaded_at, source_row_number'
    ) }}
)
