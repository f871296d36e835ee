"""Numbers, periods and the warehouse's codes as a reader of the report's language expects:
fr-CA (`1 234,5`, `2,3 %`, `3 684,17 $`, `T1 2026`, `mars 2026`) or English (`1,234.5`,
`2.3%`, `$3,684.17`, `Q1 2026`, `March 2026`). Codes (themes, content types, objectives,
conversion types, sources, platforms) become words; a value that is not a known code
(a campaign's or client's own name) is shown as given.
"""

from __future__ import annotations

from datetime import date

NBSP = "\u00a0"  # keeps `1 234` and `2,3 %` on one line

LABELS: dict[str, dict[str, tuple[str, str]]] = {  # kind -> code -> (en, fr)
    "platform": {
        "facebook": ("Facebook", "Facebook"),
        "instagram": ("Instagram", "Instagram"),
        "linkedin": ("LinkedIn", "LinkedIn"),
        "unknown": ("Unknown", "Inconnue"),
    },
    "content_type": {
        "image": ("Image", "Image"),
        "video": ("Video", "Vidéo"),
        "reel": ("Reel", "Reel"),
        "carousel": ("Carousel", "Carrousel"),
        "link": ("Link", "Lien"),
        "text": ("Text", "Texte"),
        "story": ("Story", "Story"),
        "document": ("Document", "Document"),
        "other": ("Other", "Autre"),
    },
    "theme": {
        "educational": ("Educational", "Éducatif"),
        "promotional": ("Promotional", "Promotionnel"),
        "testimonial": ("Testimonial", "Témoignage"),
        "behind_the_scenes": ("Behind the scenes", "Coulisses"),
        "health_news": ("Health news", "Actualité santé"),
        "contest_poll": ("Contest or poll", "Concours ou sondage"),
        "other": ("Other", "Autre"),
    },
    "conversion_type": {
        "appointment": ("Appointments", "Rendez-vous"),
        "call": ("Calls", "Appels"),
        "registration": ("Registrations", "Inscriptions"),
        "purchase": ("Purchases", "Achats"),
        "lead": ("Leads", "Prospects"),
    },
    "attribution": {
        "post": ("Post", "Publication"),
        "campaign": ("Campaign", "Campagne"),
        "platform": ("Platform only", "Plateforme seulement"),
        "none": ("Unknown source", "Source inconnue"),
    },
    "objective": {  # Meta's objectives, current (OUTCOME_*) and legacy
        "awareness": ("Awareness", "Notoriété"),
        "traffic": ("Traffic", "Trafic"),
        "engagement": ("Engagement", "Interactions"),
        "leads": ("Leads", "Prospects"),
        "app_promotion": ("App promotion", "Promotion d'application"),
        "sales": ("Sales", "Ventes"),
        "reach": ("Reach", "Couverture"),
        "brand_awareness": ("Brand awareness", "Notoriété de la marque"),
        "link_clicks": ("Link clicks", "Clics sur le lien"),
        "post_engagement": ("Post engagement", "Interactions avec les publications"),
        "video_views": ("Video views", "Vues de vidéo"),
        "lead_generation": ("Lead generation", "Génération de prospects"),
        "messages": ("Messages", "Messages"),
        "conversions": ("Conversions", "Conversions"),
    },
}
MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
             "septembre", "octobre", "novembre", "décembre")  # fmt: skip
WEEKDAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")  # fmt: skip


class Formatter:
    def __init__(self, lang: str):
        self.lang = lang
        self.fr = lang == "fr"

    def label(self, kind: str, code: str | None) -> str:
        if code is None:
            return "?"
        key = code.strip().lower().removeprefix("outcome_").replace(" ", "_")
        found = LABELS[kind].get(key)
        return found[1 if self.fr else 0] if found else code

    def _grouped(self, value: float, decimals: int) -> str:
        text = f"{value:,.{decimals}f}"
        if self.fr:
            text = text.replace(",", NBSP).replace(".", ",")
        return text

    def __call__(self, value, kind: str = "number", currency: str | None = None) -> str:
        if value is None:
            return "—"
        if kind == "rate":
            shown = self._grouped(value * 100, 1)
            return f"{shown}{NBSP}%" if self.fr else f"{shown}%"
        if kind == "money":
            return self.money(value, currency)
        if abs(value) >= 1000 or value % 1 == 0:
            return self._grouped(value, 0)
        text = f"{value:.2f}".rstrip("0").rstrip(".")
        return text.replace(".", ",") if self.fr else text

    def money(self, value: float | None, currency: str | None = None) -> str:
        if value is None:
            return "—"
        amount = self._grouped(value, 2)
        cur = (currency or "").upper()
        if self.fr:
            sign = {"CAD": "$", "USD": "$ US", "": ""}.get(cur, cur)
            return f"{amount}{NBSP}{sign}".rstrip()
        sign = {"CAD": "$", "USD": "US$", "": ""}.get(cur)
        return f"{sign}{amount}" if sign is not None else f"{amount} {cur}"

    def weekday(self, isodow: int) -> str:
        names = WEEKDAYS_FR if self.fr else WEEKDAYS_EN
        return names[isodow - 1]

    def quarter(self, start: date) -> str:
        q = (start.month - 1) // 3 + 1
        return f"T{q} {start.year}" if self.fr else f"Q{q} {start.year}"

    def month(self, start: date) -> str:
        names = MONTHS_FR if self.fr else MONTHS_EN
        return f"{names[start.month - 1]} {start.year}"
