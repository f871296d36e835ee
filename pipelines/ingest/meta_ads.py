"""Meta Ads Manager export (CSV): one row per ad, ad set or campaign per reporting window.

The columns depend on what the user selected; the currency is in the money headers
(`Amount spent (CAD)`) or a `Currency`/`Devise` column.
"""

import re

from pipelines import rules
from pipelines.ingest.headers import normalize
from pipelines.ingest.tabular import Field, TabularKind

FIELDS = (
    Field("reporting_start", "date", ("Reporting starts",), ("Début des rapports",), required=True),
    Field("reporting_end", "date", ("Reporting ends",), ("Fin des rapports",), required=True),
    Field("campaign_name", "text", ("Campaign name",), ("Nom de la campagne",)),
    Field("campaign_id", "text", ("Campaign ID",), ("ID de la campagne",)),
    Field("adset_name", "text", ("Ad set name",), ("Nom de l'ensemble de publicités",)),
    Field("adset_id", "text", ("Ad set ID",), ("ID de l'ensemble de publicités",)),
    Field("ad_name", "text", ("Ad name",), ("Nom de la publicité",)),
    Field("ad_id", "text", ("Ad ID",), ("ID de la publicité",)),
    Field("objective", "text", ("Objective",), ("Objectif",)),
    Field(
        "delivery",
        "text",
        ("Ad delivery", "Campaign delivery", "Ad set delivery"),
        ("Diffusion de la publicité", "Diffusion de la campagne"),
    ),
    Field("reach", "count", ("Reach",), ("Couverture",)),
    Field("impressions", "count", ("Impressions",), ("Impressions",)),
    Field("frequency", "decimal", ("Frequency",), ("Répétition",)),
    Field(
        "amount_spent",
        "decimal",
        ("Amount spent (CUR)", "Amount spent"),
        ("Montant dépensé (CUR)", "Montant dépensé"),
    ),
    Field("currency", "text", ("Currency",), ("Devise",)),
    Field("link_clicks", "count", ("Link clicks",), ("Clics sur un lien", "Clics sur le lien")),
    Field("clicks_all", "count", ("Clicks (all)",), ("Clics (tous)",)),
    Field(
        "ctr_link", "rate", ("CTR (link click-through rate)",), ("CTR (taux de clics sur le lien)",)
    ),
    Field(
        "cpm",
        "decimal",
        ("CPM (cost per 1,000 impressions) (CUR)", "CPM (cost per 1,000 impressions)"),
        ("CPM (coût pour 1 000 impressions) (CUR)", "CPM (coût pour 1 000 impressions)"),
    ),
    Field("results", "count", ("Results",), ("Résultats",)),
    Field(
        "result_indicator",
        "text",
        ("Result indicator", "Result type"),
        ("Indicateur de résultat", "Type de résultat"),
    ),
    Field(
        "cost_per_result",
        "decimal",
        ("Cost per results", "Cost per result"),
        ("Coût par résultat",),
    ),
    Field("attribution_setting", "text", ("Attribution setting",), ("Paramètre d'attribution",)),
    Field("purchases", "count", ("Purchases",), ("Achats",)),
    Field("leads", "count", ("Leads",), ("Prospects",)),
    Field(
        "messaging_conversations",
        "count",
        ("Messaging conversations started",),
        ("Conversations par message commencées",),
    ),
    *(
        Field(f"breakdown_{name}", "text", en, fr)
        for name, en, fr in (
            ("age", ("Age",), ("Âge",)),
            ("gender", ("Gender",), ("Genre", "Sexe")),
            ("country", ("Country",), ("Pays",)),
            ("region", ("Region",), ("Région",)),
            ("placement", ("Placement",), ("Placement", "Emplacement")),
            ("platform", ("Platform",), ("Plateforme",)),
            ("device_platform", ("Device platform",), ("Plateforme de l'appareil",)),
        )
    ),
)
# Audience segments of a report broken down by Age, Gender, Country...: aggregates Meta
# reports per segment, not personal data; each row is one ad x window x segment.
BREAKDOWNS = ("age", "gender", "country", "region", "placement", "platform", "device_platform")

KIND = TabularKind(
    name="meta_ads",
    table="meta_ads",
    label="Meta Ads Manager report",
    fields=FIELDS,
    signature=("reporting_start", "reporting_end", "reach", "impressions"),
    one_of=(("campaign_name", "adset_name", "ad_name"),),
    invariants=(
        rules.REACH_LE_IMPRESSIONS.broken("reach", "impressions"),
        rules.CLICKS_LE_IMPRESSIONS.broken("clicks_all", "impressions"),
        rules.LINK_CLICKS_LE_CLICKS.broken("link_clicks", "clicks_all"),
        ("reporting_window_in_order", "reporting_end < reporting_start"),
    ),
    extra_columns=(
        ("currency_code", "VARCHAR", "coalesce(upper(currency), nullif($header_currency, ''))"),
    ),
)

_CURRENCY = re.compile(r"\(([a-z]{3})\)\s*$")


def header_currency(headers: list[str]) -> str:
    """The ISO code Meta puts in money headers, e.g. 'Amount spent (CAD)' -> 'CAD'."""
    for h in headers:
        norm = normalize(h)
        if norm.startswith(("amount spent", "montant depense", "cpm", "cost per")):
            m = _CURRENCY.search(norm)
            if m:
                return m.group(1).upper()
    return ""
