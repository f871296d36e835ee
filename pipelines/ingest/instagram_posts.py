"""Meta Business Suite — Instagram posts export (CSV, one row per post, lifetime totals)."""

from pipelines import rules
from pipelines.ingest import meta_posts as m
from pipelines.ingest.tabular import Field, TabularKind

KIND = TabularKind(
    name="instagram_posts",
    table="instagram_posts",
    label="Instagram posts (Meta Business Suite)",
    fields=(
        m.POST_ID,
        Field("account_id", "text", ("Account ID",), ("ID du compte", "Identifiant du compte")),
        Field("account_username", "text", ("Account username",), ("Nom d'utilisateur du compte",)),
        Field("account_name", "text", ("Account name",), ("Nom du compte",)),
        m.DESCRIPTION,
        m.DURATION,
        m.PUBLISH_TIME,
        m.PERMALINK,
        m.POST_TYPE,
        m.WINDOW,
        m.DATA_COMMENT,
        m.VIEWS,
        m.LEGACY_IMPRESSIONS,
        m.REACH,
        Field("likes", "count", ("Likes",), ("Mentions J'aime", "J'aime")),
        m.SHARES,
        Field("follows", "count", ("Follows",), ("Followers en plus", "Abonnements")),
        m.COMMENTS,
        Field("saves", "count", ("Saves",), ("Enregistrements",)),
        Field("profile_visits", "count", ("Profile visits",), ("Visites de profil",)),
        m.LINK_CLICKS,
    ),
    signature=(*m.SIGNATURE, "account_id"),
    owner_id="account_id",
    one_of=m.ONE_OF_IMPRESSIONS,
    extra_columns=m.IMPRESSIONS_COLUMNS,
    file_rules=(m.VIEWS_NOT_REPORTED,),
    row_rules=(m.META_ERROR_ROW,),
    invariants=(
        *m.POST_INVARIANTS,
        rules.CLICKS_LE_IMPRESSIONS.broken(
            "coalesce(link_clicks, 0) + coalesce(profile_visits, 0)", "impressions"
        ),
    ),
)
