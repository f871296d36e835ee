"""What a report section is made of: typed blocks that templates/blocks.html.j2 renders
(autoescaped; a chart's SVG is the one Markup, and charts.py escapes every label in it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from markupsafe import Markup

from pipelines.report.texts import t


@dataclass
class Chart:
    svg: Markup  # charts.py escapes every label it draws
    block: ClassVar[str] = "chart"


@dataclass
class Heading:
    text: str
    block: ClassVar[str] = "heading"


@dataclass
class Note:
    text: str
    block: ClassVar[str] = "note"


@dataclass
class Card:
    key: str
    value: str  # the exact figure, for tests and scripts ("" when there is none)
    shown: str
    label: str


@dataclass
class Cards:
    cards: list[Card]
    block: ClassVar[str] = "cards"


@dataclass
class Heat:
    text: str
    alpha: float  # the cell's shade: its share of the table's highest value
    cell: ClassVar[str] = "heat"


@dataclass
class Link:
    url: str | None  # only http(s) links become clickable (the template's web_url test)
    cell: ClassVar[str] = "link"


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str | Heat | Link]]
    block: ClassVar[str] = "table"


@dataclass
class Section:
    key: str
    title: str
    how: str
    blocks: list = field(default_factory=list)  # none: the page says there is no data


def section(key: str, lang: str, blocks: list, help_key: str | None = None) -> Section:
    return Section(key, t(key, lang), t(help_key or f"{key}_help", lang), blocks)


def chart(svg: str) -> Chart:
    return Chart(Markup(svg))
