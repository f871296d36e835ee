"""Meta Business Suite — Facebook posts export (CSV, one row per post, lifetime totals).

Meta renamed "Impressions" to "Views" in 2025: both load into `impressions`, and
`impressions_source` keeps which one the file had.
"""

from pipelines.ingest.tabular import Field, TabularKind

FIELDS = (
    Field(
        "post_id",
        "text",
        ("Post ID",),
        ("Identifiant de la publication", "ID de la publication"),
        required=True,
    ),
    Field("page_id", "text", ("Page ID",), ("Identifiant de la Page", "ID de la Page")),
    Field("page_name", "text", ("Page name",), ("Nom de la Page",)),
    Field("title", "text", ("Title",), ("Titre",)),
    Field("description", "text", ("Description",), ("Description",)),
    Field("duration_sec", "decimal", ("Duration (sec)",), ("Durée (s)", "Durée (sec)")),
    Field(
        "publish_time",
        "local_timestamp",
        ("Publish time",),
        ("Heure de publication",),
        required=True,
    ),
    Field("permalink", "text", ("Permalink",), ("Permalien",)),
    Field("post_type", "text", ("Post type",), ("Type de publication",)),
    Field("custom_labels", "text", ("Custom labels",), ("Libellés personnalisés",)),
    Field(
        "funded_content_status", "text", ("Funded content status",), ("Statut du contenu financé",)
    ),
    Field("metric_window", "window", ("Date",), ("Date",)),
    Field("views", "count", ("Views",), ("Vues",)),
    Field("legacy_impressions", "count", ("Impressions",), ("Impressions",)),
    Field(
        "impressions_boosted",
        "count",
        ("Views from Boosted posts", "Impressions from Boosted posts"),
        ("Vues des publications boostées", "Impressions des publications boostées"),
    ),
    Field("reach", "count", ("Reach",), ("Couverture",)),
    Field(
        "reach_boosted",
        "count",
        ("Reach from Boosted posts",),
        ("Couverture des publications boostées",),
    ),
    Field("reactions", "count", ("Reactions",), ("Réactions",)),
    Field("comments", "count", ("Comments",), ("Commentaires",)),
    Field("shares", "count", ("Shares",), ("Partages",)),
    Field("total_clicks", "count", ("Total clicks",), ("Nombre total de clics", "Clics (total)")),
    Field("link_clicks", "count", ("Link clicks",), ("Clics sur le lien", "Clics sur un lien")),
    Field("other_clicks", "count", ("Other Clicks",), ("Autres clics",)),
    Field("video_views_3s", "count", ("3-second video views",), ("Vues de vidéo de 3 secondes",)),
)

KIND = TabularKind(
    name="facebook_posts",
    table="facebook_posts",
    label="Facebook posts (Meta Business Suite)",
    fields=FIELDS,
    signature=("post_id", "page_id", "publish_time", "permalink", "post_type", "reach"),
    one_of=(("views", "legacy_impressions"),),
    extra_columns=(
        ("impressions", "BIGINT", "coalesce(views, legacy_impressions)"),
        (
            "impressions_source",
            "VARCHAR",
            "CASE WHEN views IS NOT NULL THEN 'Views' WHEN legacy_impressions IS NOT NULL "
            "THEN 'Impressions' END",
        ),
    ),
)
