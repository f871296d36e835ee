"""Meta Business Suite — Facebook posts export (CSV, one row per post, lifetime totals)."""

from pipelines import rules
from pipelines.ingest import meta_posts as m
from pipelines.ingest.tabular import Field, TabularKind

KIND = TabularKind(
    name="facebook_posts",
    table="facebook_posts",
    label="Facebook posts (Meta Business Suite)",
    fields=(
        m.POST_ID,
        Field("page_id", "text", ("Page ID",), ("Identifiant de la Page", "ID de la Page")),
        Field("page_name", "text", ("Page name",), ("Nom de la Page",)),
        Field("title", "text", ("Title",), ("Titre",)),
        m.DESCRIPTION,
        m.DURATION,
        m.PUBLISH_TIME,
        m.PERMALINK,
        m.POST_TYPE,
        Field("custom_labels", "text", ("Custom labels",), ("Libellés personnalisés",)),
        Field(
            "funded_content_status",
            "text",
            ("Funded content status",),
            ("Statut du contenu financé",),
        ),
        m.WINDOW,
        m.DATA_COMMENT,
        m.VIEWS,
        m.LEGACY_IMPRESSIONS,
        Field(
            "impressions_boosted",
            "count",
            ("Views from Boosted posts", "Impressions from Boosted posts"),
            ("Vues des publications boostées", "Impressions des publications boostées"),
        ),
        m.REACH,
        Field(
            "reach_boosted",
            "count",
            ("Reach from Boosted posts",),
            ("Couverture des publications boostées",),
        ),
        Field("reactions", "count", ("Reactions",), ("Réactions",)),
        m.COMMENTS,
        m.SHARES,
        Field(
            "total_clicks", "count", ("Total clicks",), ("Nombre total de clics", "Clics (total)")
        ),
        m.LINK_CLICKS,
        Field("other_clicks", "count", ("Other Clicks",), ("Autres clics",)),
        Field(
            "video_views_3s", "count", ("3-second video views",), ("Vues de vidéo de 3 secondes",)
        ),
    ),
    signature=(*m.SIGNATURE, "page_id"),
    owner_id="page_id",
    one_of=m.ONE_OF_IMPRESSIONS,
    extra_columns=m.IMPRESSIONS_COLUMNS,
    file_rules=(m.VIEWS_NOT_REPORTED,),
    row_rules=(m.META_ERROR_ROW,),
    invariants=(
        *m.POST_INVARIANTS,
        rules.CLICKS_LE_IMPRESSIONS.broken("total_clicks", "impressions"),
        rules.LINK_CLICKS_LE_CLICKS.broken("link_clicks", "total_clicks"),
    ),
)
