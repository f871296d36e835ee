"""What Meta Business Suite's Facebook and Instagram posts exports share: the post's id,
publication time, link, type, lifetime window and the core counts. Meta renamed
"Impressions" to "Views" in 2025: both load into `impressions`, and
`impressions_source` keeps which one the file had."""

from pipelines.ingest.tabular import Field

POST_ID = Field(
    "post_id",
    "text",
    ("Post ID",),
    ("Identifiant de la publication", "ID de la publication"),
    required=True,
)
DESCRIPTION = Field("description", "text", ("Description",), ("Description",))
DURATION = Field("duration_sec", "decimal", ("Duration (sec)",), ("Durée (s)", "Durée (sec)"))
PUBLISH_TIME = Field(
    "publish_time", "local_timestamp", ("Publish time",), ("Heure de publication",), required=True
)
PERMALINK = Field("permalink", "text", ("Permalink",), ("Permalien",))
POST_TYPE = Field("post_type", "text", ("Post type",), ("Type de publication",))
WINDOW = Field("metric_window", "window", ("Date",), ("Date",))
VIEWS = Field("views", "count", ("Views",), ("Vues",))
LEGACY_IMPRESSIONS = Field("legacy_impressions", "count", ("Impressions",), ("Impressions",))
REACH = Field("reach", "count", ("Reach",), ("Couverture",))
COMMENTS = Field("comments", "count", ("Comments",), ("Commentaires",))
SHARES = Field("shares", "count", ("Shares",), ("Partages",))
LINK_CLICKS = Field(
    "link_clicks", "count", ("Link clicks",), ("Clics sur le lien", "Clics sur un lien")
)

SIGNATURE = ("post_id", "publish_time", "permalink", "post_type", "reach")
ONE_OF_IMPRESSIONS = (("views", "legacy_impressions"),)
IMPRESSIONS_COLUMNS = (
    ("impressions", "BIGINT", "coalesce(views, legacy_impressions)"),
    (
        "impressions_source",
        "VARCHAR",
        "CASE WHEN views IS NOT NULL THEN 'Views' WHEN legacy_impressions IS NOT NULL "
        "THEN 'Impressions' END",
    ),
)

# Meta's exports hold a few posts with reach slightly above impressions: tolerated up to
# 10% (the mart check then warns); beyond, the row is wrong.
REACH_TOLERANCE = 1.1
POST_INVARIANTS = (
    ("reach_le_impressions (10% tolerance)", f"reach > impressions * {REACH_TOLERANCE}"),
)
