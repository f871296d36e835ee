"""Conversions (CSV) from the clients' booking, phone and e-commerce tools.

No platform standard exists: the project defines the columns (README). Only the
allow-listed columns below are ever read: names, e-mails, phone numbers and notes that
booking tools add are never stored.
"""

from pipelines.ingest.tabular import Field, TabularKind

CONVERSION_TYPES = {
    # French and English spellings -> the project's vocabulary
    "appointment": "appointment",
    "rendez-vous": "appointment",
    "rdv": "appointment",
    "call": "call",
    "appel": "call",
    "registration": "registration",
    "inscription": "registration",
    "purchase": "purchase",
    "achat": "purchase",
    "lead": "lead",
    "prospect": "lead",
}
_TYPES_SQL = ", ".join(f"'{k}'" for k in CONVERSION_TYPES)
_MAP_SQL = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in CONVERSION_TYPES.items())

FIELDS = (
    Field(
        "occurred_at_text",
        "text",
        ("occurred_at", "occurred at", "timestamp"),
        ("survenu_le", "date_heure", "horodatage"),
        required=True,
    ),
    Field(
        "conversion_type_text",
        "text",
        ("conversion_type", "conversion type", "type"),
        ("type_conversion", "type de conversion"),
        required=True,
    ),
    Field("value", "decimal", ("value", "amount"), ("valeur", "montant")),
    Field("currency", "text", ("currency",), ("devise",)),
    Field("utm_source", "text", ("utm_source",), ()),
    Field("utm_medium", "text", ("utm_medium",), ()),
    Field("utm_campaign", "text", ("utm_campaign",), ()),
    Field("utm_content", "text", ("utm_content",), ()),
    Field("conversion_id", "text", ("conversion_id", "id"), ("id_conversion",)),
)

KIND = TabularKind(
    name="conversions",
    table="conversions",
    label="conversions file (booking, phone or e-commerce tool)",
    fields=FIELDS,
    signature=("occurred_at_text", "conversion_type_text"),
    dated_text=("occurred_at_text",),  # a booking tool's export re-saved by Excel: 14/03/2026
    extra_columns=(
        (
            "occurred_at",
            "TIMESTAMPTZ",
            "CASE WHEN sw_has_offset(occurred_at_text) "
            "THEN TRY_CAST(occurred_at_text AS TIMESTAMPTZ) "
            "ELSE timezone($timezone, sw_local_timestamp_in(occurred_at_text, $day_first)) END",
        ),
        (
            "conversion_type",
            "VARCHAR",
            f"CASE lower(strip_accents(conversion_type_text)) {_MAP_SQL} END",
        ),
        (
            "conversion_key",
            "VARCHAR",
            # A row without an id is identified by a salted hash of its allowed fields only
            # (never personal data). The salt (pipelines/privacy.py) is a session variable,
            # so it appears in no SQL text; a missing salt is an error, never an unsalted hash.
            "coalesce(conversion_id, sha256(concat_ws('|', "
            "coalesce(getvariable('socialwh_salt'), error('socialwh: the conversion salt is not "
            "set')), $client, occurred_at_text, conversion_type_text, value::VARCHAR, currency, "
            "utm_source, utm_medium, utm_campaign, utm_content)))",
        ),
    ),
    row_rules=(
        (
            "NOT (sw_has_offset(occurred_at_text) AND TRY_CAST(occurred_at_text AS TIMESTAMPTZ) "
            "IS NOT NULL) AND sw_local_timestamp_in(occurred_at_text, $day_first) IS NULL",
            "'occurred_at is not a date and time: ' || coalesce(occurred_at_text, '')",
        ),
        (
            f"lower(strip_accents(conversion_type_text)) NOT IN ({_TYPES_SQL})",
            "'conversion_type must be appointment, call, registration, purchase or lead: ' "
            "|| coalesce(conversion_type_text, '')",
        ),
    ),
)
