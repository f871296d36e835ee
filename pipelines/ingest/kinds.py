"""Every export kind socialwh loads, and the raw table each fills."""

from __future__ import annotations

from pipelines.ingest import linkedin_page, meta_ads, meta_page_series
from pipelines.ingest.conversions import KIND as CONVERSIONS
from pipelines.ingest.facebook_posts import KIND as FACEBOOK_POSTS
from pipelines.ingest.instagram_posts import KIND as INSTAGRAM_POSTS
from pipelines.ingest.tabular import TabularKind

CSV_KINDS: list[TabularKind] = [FACEBOOK_POSTS, INSTAGRAM_POSTS, meta_ads.KIND, CONVERSIONS]
SHEET_KINDS: list[TabularKind] = linkedin_page.SHEET_KINDS
# raw table -> what it holds, for the Dagster asset descriptions
RAW_TABLES: dict[str, str] = {
    **{k.table: k.label for k in [*CSV_KINDS, *SHEET_KINDS]},
    meta_page_series.TABLE: meta_page_series.LABEL,
}
