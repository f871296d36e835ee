"""The SQL macros that parse an export's text cells, in fr-CA and en alike.

Temp macros, created on the loading connection before each parse; every one returns
NULL for "not reported" ('' or '-').
"""

# SQL parsers for fr-CA and en exports; each returns NULL for "not reported" ('' or '-').
PARSER_MACROS = r"""
CREATE OR REPLACE TEMP MACRO sw_blank(x) AS
    regexp_full_match(coalesce(x, ''), '\s*(-|--|nan|NaN|undefined)?\s*');
CREATE OR REPLACE TEMP MACRO sw_text(x) AS CASE WHEN sw_blank(x) THEN NULL ELSE trim(x) END;
CREATE OR REPLACE TEMP MACRO sw_squeeze(x) AS
    replace(replace(replace(replace(replace(replace(trim(x), ' ', ''), chr(160), ''),
        chr(8239), ''), '%', ''), '$', ''), '€', '');
-- "1 234,5" (fr-CA), "1,234.5" and "1,234" (en), "12,5" (fr decimal comma)
CREATE OR REPLACE TEMP MACRO sw_number_of(y) AS TRY_CAST(CASE
        WHEN NOT contains(y, ',') THEN y
        WHEN contains(y, '.') THEN replace(y, ',', '')
        WHEN regexp_full_match(y, '-?[0-9]{1,3}(,[0-9]{3})+') THEN replace(y, ',', '')
        ELSE replace(y, ',', '.') END AS DOUBLE);
CREATE OR REPLACE TEMP MACRO sw_number(x) AS
    CASE WHEN sw_blank(x) THEN NULL ELSE sw_number_of(sw_squeeze(x)) END;
-- the same, for a value already squeezed into a column (macros copy their argument at
-- every use, so the tabular loader squeezes each cell once in a CTE)
CREATE OR REPLACE TEMP MACRO sw_number_squeezed(x, y) AS
    CASE WHEN sw_blank(x) THEN NULL ELSE sw_number_of(y) END;
CREATE OR REPLACE TEMP MACRO sw_count(x) AS TRY_CAST(sw_number(x) AS BIGINT);
CREATE OR REPLACE TEMP MACRO sw_decimal(x) AS sw_number(x);
CREATE OR REPLACE TEMP MACRO sw_rate(x) AS
    CASE WHEN contains(x, '%') THEN sw_number(x) / 100 ELSE sw_number(x) END;
CREATE OR REPLACE TEMP MACRO sw_local_timestamp(x) AS CASE WHEN sw_blank(x) THEN NULL ELSE
    coalesce(
        try_strptime(trim(x), ['%m/%d/%Y %H:%M', '%m/%d/%Y %H:%M:%S', '%Y-%m-%d %H:%M:%S',
                               '%Y-%m-%dT%H:%M:%S', '%Y-%m-%d %H:%M', '%m/%d/%Y', '%Y-%m-%d']),
        TRY_CAST(trim(x) AS TIMESTAMP)) END;
-- Meta's metric window: Lifetime (en) and Global (fr) mean the same thing
CREATE OR REPLACE TEMP MACRO sw_window(x) AS CASE
    WHEN lower(trim(x)) IN ('lifetime', 'global') THEN 'lifetime' ELSE sw_text(x) END;
CREATE OR REPLACE TEMP MACRO sw_date(x) AS CAST(sw_local_timestamp(x) AS DATE);
-- the same in a file whose day order was found to be day first (see day_order.py)
CREATE OR REPLACE TEMP MACRO sw_local_timestamp_in(x, day_first) AS CASE
    WHEN day_first AND regexp_matches(x, '^\s*[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}')
    THEN try_strptime(trim(x), ['%d/%m/%Y %H:%M', '%d/%m/%Y %H:%M:%S', '%d/%m/%Y'])
    ELSE sw_local_timestamp(x) END;
CREATE OR REPLACE TEMP MACRO sw_date_in(x, day_first) AS
    CAST(sw_local_timestamp_in(x, day_first) AS DATE);
CREATE OR REPLACE TEMP MACRO sw_has_offset(x) AS
    regexp_matches(trim(x), '(Z|[+-][0-9]{2}:?[0-9]{2})$');
"""
