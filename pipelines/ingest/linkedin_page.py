"""LinkedIn Page analytics (XLSX): sheets `All posts`, `Metrics` and `New followers`.

Row 1 of each sheet is a note, the header is on row 2. Each sheet is recognised by its
header like any CSV, so renamed or reordered sheets still load. LinkedIn reports in UTC.
"""

from pipelines import rules
from pipelines.ingest.tabular import Field, TabularKind

POSTS = TabularKind(
    name="linkedin_posts",
    table="linkedin_posts",
    label="LinkedIn Page analytics: All posts sheet",
    fields=(
        Field(
            "post_title",
            "text",
            ("Post title", "Update title"),
            ("Titre de la publication", "Titre de la mise à jour"),
        ),
        Field(
            "post_link",
            "text",
            ("Post link", "Update link"),
            ("Lien de la publication", "Lien de la mise à jour"),
            required=True,
        ),
        Field("post_type", "text", ("Post type", "Update type"), ("Type de publication",)),
        Field("campaign_name", "text", ("Campaign name",), ("Nom de la campagne",)),
        Field("created_date", "date", ("Created date",), ("Date de création",), required=True),
        Field(
            "campaign_start_date",
            "date",
            ("Campaign start date",),
            ("Date de début de la campagne",),
        ),
        Field("campaign_end_date", "date", ("Campaign end date",), ("Date de fin de la campagne",)),
        Field("audience", "text", ("Audience",), ("Audience",)),
        Field("impressions", "count", ("Impressions",), ("Impressions",)),
        Field(
            "views",
            "count",
            ("Views (excluding off-site video views)", "Views"),
            ("Vues (hors vues de vidéos hors site)", "Vues"),
        ),
        Field("offsite_views", "count", ("Off-site views",), ("Vues hors site",)),
        Field("clicks", "count", ("Clicks",), ("Clics",)),
        Field("ctr", "rate", ("Click through rate (CTR)",), ("Taux de clics (CTR)",)),
        Field("likes", "count", ("Likes", "Reactions"), ("J'aime", "Réactions")),
        Field("comments", "count", ("Comments",), ("Commentaires",)),
        Field("reposts", "count", ("Reposts", "Shares"), ("Republications", "Partages")),
        Field("follows", "count", ("Follows",), ("Abonnements",)),
        Field("engagement_rate", "rate", ("Engagement rate",), ("Taux d'engagement",)),
        Field("content_type", "text", ("Content Type",), ("Type de contenu",)),
    ),
    signature=("post_link", "created_date", "impressions", "clicks"),
    extra_columns=(
        (
            "post_id",
            "VARCHAR",
            r"nullif(regexp_extract(post_link, '(activity|ugcPost|share)(:|%3A)([0-9]+)', 3), '')",
        ),
    ),
    invariants=(rules.CLICKS_LE_IMPRESSIONS.broken("clicks", "impressions"),),
    row_rules=(
        (
            r"NOT regexp_matches(coalesce(post_link, ''), '(activity|ugcPost|share)(:|%3A)[0-9]+')",
            "'Post link has no post id (urn:li:activity:…): ' || coalesce(post_link, '')",
        ),
    ),
)


def _by_channel(name: str, en: str, fr: str) -> tuple[Field, ...]:
    return tuple(
        Field(f"{name}_{key}", "count", (f"{en} ({key})",), (f"{fr} ({key_fr})",))
        for key, key_fr in (("organic", "naturel"), ("sponsored", "sponsorisé"), ("total", "total"))
    )


METRICS = TabularKind(
    name="linkedin_page_daily",
    table="linkedin_page_daily",
    label="LinkedIn Page analytics: Metrics sheet",
    fields=(
        Field("date", "date", ("Date",), ("Date",), required=True),
        *_by_channel("impressions", "Impressions", "Impressions"),
        Field(
            "unique_impressions_organic",
            "count",
            ("Unique impressions (organic)",),
            ("Impressions uniques (naturel)",),
        ),
        *_by_channel("clicks", "Clicks", "Clics"),
        *_by_channel("reactions", "Reactions", "Réactions"),
        *_by_channel("comments", "Comments", "Commentaires"),
        *_by_channel("reposts", "Reposts", "Republications"),
        Field(
            "engagement_rate_organic",
            "rate",
            ("Engagement rate (organic)",),
            ("Taux d'engagement (naturel)",),
        ),
        Field(
            "engagement_rate_sponsored",
            "rate",
            ("Engagement rate (sponsored)",),
            ("Taux d'engagement (sponsorisé)",),
        ),
        Field(
            "engagement_rate_total",
            "rate",
            ("Engagement rate (total)",),
            ("Taux d'engagement (total)",),
        ),
    ),
    signature=("date", "impressions_organic", "clicks_organic"),
)

FOLLOWERS = TabularKind(
    name="linkedin_followers_daily",
    table="linkedin_followers_daily",
    label="LinkedIn Page analytics: New followers sheet",
    fields=(
        Field("date", "date", ("Date",), ("Date",), required=True),
        Field("sponsored_followers", "count", ("Sponsored followers",), ("Abonnés sponsorisés",)),
        Field("organic_followers", "count", ("Organic followers",), ("Abonnés naturels",)),
        Field(
            "auto_invited_followers",
            "count",
            ("Auto-invited followers",),
            ("Abonnés invités automatiquement",),
        ),
        Field("total_followers", "count", ("Total followers",), ("Total des abonnés",)),
    ),
    signature=("date", "organic_followers", "total_followers"),
)

SHEET_KINDS = [POSTS, METRICS, FOLLOWERS]
