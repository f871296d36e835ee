"""What Meta Business Suite's Facebook and Instagram posts exports share: the post's id,
publication time, link, type, lifetime window and the core counts. Meta renamed
"Impressions" to "Views" in 2025: both load into `impressions`, and
`impressions_source` keeps which one the file had."""

from pipelines import rules
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
POST_INVARIANTS = (
    rules.REACH_LE_IMPRESSIONS.broken("reach", "impressions", rules.META_POST_REACH_ROW_TOLERANCE),
    # a post cannot be in an export made before it was published (a future Publish time, a
    # re-saved file with day and month swapped): that row is kept out, the file and every
    # other client's night go on (the mart's blocking check stays as a guard)
    (rules.PUBLISHED_BEFORE_EXPORT[0], "CAST(publish_time AS DATE) > $snapshot_date"),
)

# Some 2025 exports report Views 0 on every post while Reach is positive (another export of
# the same day shows the views): there 0 means "not reported". Such a file's impressions
# are NULL where reach is positive; a 0 beside Reach 0 stays a real 0.
VIEWS_NOT_REPORTED = (
    "Views is 0 on every row while Reach is positive: Meta did not report views in this "
    "export, so impressions are stored as not reported (NULL); reach and the other counts "
    "are kept",
    "coalesce(max(views) FILTER (WHERE sw_problem = ''), 0) = 0 "
    "AND count(views) FILTER (WHERE sw_problem = '') > 0 "
    "AND max(reach) FILTER (WHERE sw_problem = '') > 0",
    "views = NULL",
    "coalesce(reach, 0) > 0",
)
# Meta's own rows for posts it failed to compute ("An error occurred while computing
# metadata for content with ID …"): no Post ID; kept out with Meta's words as the reason.
DATA_COMMENT = Field("data_comment", "text", ("Data comment",), ("Commentaire des données",))
META_ERROR_ROW = (
    "post_id IS NULL AND data_comment IS NOT NULL",
    "'Meta could not compute this post (its Data comment: ' || data_comment || ')'",
)
