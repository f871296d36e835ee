"""Meta Business Suite — Instagram posts export (CSV, one row per post, lifetime totals)."""

from pipelines.ingest.tabular import Field, TabularKind

FIELDS = (
    Field(
        "post_id",
        "text",
        ("Post ID",),
        ("Identifiant de la publication", "ID de la publication"),
        required=True,
    ),
    Field("account_id", "text", ("Account ID",), ("ID du compte", "Identifiant du compte")),
    Field("account_username", "text", ("Account username",), ("Nom d'utilisateur du compte",)),
    Field("account_name", "text", ("Account name",), ("Nom du compte",)),
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
    Field("metric_window", "window", ("Date",), ("Date",)),
    Field("views", "count", ("Views",), ("Vues",)),
    Field("legacy_impressions", "count", ("Impressions",), ("Impressions",)),
    Field("reach", "count", ("Reach",), ("Couverture",)),
    Field("likes", "count", ("Likes",), ("Mentions J'aime", "J'aime")),
    Field("shares", "count", ("Shares",), ("Partages",)),
    Field("follows", "count", ("Follows",), ("Followers en plus", "Abonnements")),
    Field("comments", "count", ("Comments",), ("Commentaires",)),
    Field("saves", "count", ("Saves",), ("Enregistrements",)),
    Field("profile_visits", "count", ("Profile visits",), ("Visites de profil",)),
    Field("link_clicks", "count", ("Link clicks",), ("Clics sur le lien", "Clics sur un lien")),
)

KIND = TabularKind(
    name="instagram_posts",
    table="instagram_posts",
    label="Instagram posts (Meta Business Suite)",
    fields=FIELDS,
    signature=("post_id", "account_id", "publish_time", "permalink", "post_type", "reach"),
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
