-- One row per conversion, with its attribution (post, campaign, platform, none).
select * from {{ ref('int_conversions_attributed') }}
