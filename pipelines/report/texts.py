"""The report's words, in French and English. Each chart has a one-line reading guide."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "title": {"en": "Social media report", "fr": "Rapport médias sociaux"},
    "all_clients": {"en": "All clients", "fr": "Tous les clients"},
    "period": {"en": "Period", "fr": "Période"},
    "generated": {"en": "Generated", "fr": "Produit le"},
    "data_as_of": {"en": "data as of", "fr": "données au"},
    "no_data": {
        "en": "No data for this section in the period.",
        "fr": "Aucune donnée pour cette section sur la période.",
    },
    # section titles and reading guides
    "kpi": {"en": "Reach and engagement by platform", "fr": "Portée et engagement par plateforme"},
    "kpi_help": {
        "en": "Impressions beside reach: the gap between the two bars is repeat viewing "
        "(frequency). Read the rates in the table before the volumes.",
        "fr": "Affichages à côté de la couverture : l'écart entre les deux barres est la "
        "répétition (fréquence). Lisez les taux du tableau avant les volumes.",
    },
    "content": {"en": "Content type × theme", "fr": "Type de contenu × thème"},
    "content_help": {
        "en": "Engagement rate and CTR by content type; the table crosses type and theme "
        "(darker = higher engagement rate). Few posts make a rate fragile: check the count.",
        "fr": "Taux d'engagement et de clics par type de contenu ; le tableau croise type et "
        "thème (plus foncé = engagement plus élevé). Peu de publications rendent un taux "
        "fragile : vérifiez le nombre.",
    },
    "trend": {
        "en": "Week over week, against the baseline",
        "fr": "Semaine après semaine, contre la référence",
    },
    "trend_help": {
        "en": "Impressions per post each week (solid) against the average of the 8 weeks "
        "before (dashed): above the dashed line is a better week than usual.",
        "fr": "Affichages par publication chaque semaine (trait plein) contre la moyenne des "
        "8 semaines précédentes (pointillé) : au-dessus du pointillé, la semaine fait mieux "
        "que d'habitude.",
    },
    "trend_rate_help": {
        "en": "Engagement rate and CTR each week: a rise in volume with a falling rate is "
        "reach without interest.",
        "fr": "Taux d'engagement et de clics chaque semaine : un volume qui monte avec un taux "
        "qui baisse, c'est de la portée sans intérêt.",
    },
    "qoq": {"en": "Quarter over quarter", "fr": "Trimestre sur trimestre"},
    "qoq_help": {
        "en": "This period's quarter against the one before; changes of rates are in points.",
        "fr": "Le trimestre de la période contre le précédent ; les variations de taux sont "
        "en points.",
    },
    "outliers": {
        "en": "Over- and under-performing posts",
        "fr": "Publications au-dessus et en dessous de la normale",
    },
    "outliers_help": {
        "en": "Posts whose impressions are well above or below their client-platform median of "
        "the 8 weeks before (index 1.0 = typical). Open the link to see what made the difference.",
        "fr": "Publications dont les affichages s'écartent nettement de la médiane client-"
        "plateforme des 8 semaines précédentes (indice 1,0 = habituel). Ouvrez le lien pour "
        "voir ce qui a fait la différence.",
    },
    "best_time": {"en": "When to post", "fr": "Quand publier"},
    "best_time_help": {
        "en": "Median engagement rate of the posts published on each local day and hour band "
        "(all content types, posts at least 7 days old), with the number of posts in brackets. "
        "Shaded: at least 5 posts; fewer say nothing yet.",
        "fr": "Taux d'engagement médian des publications parues chaque jour et tranche horaire "
        "(heure locale, tous types de contenu, publications d'au moins 7 jours), avec le "
        "nombre de publications entre parenthèses. Ombré : au moins 5 publications ; en "
        "dessous, rien à conclure encore.",
    },
    "weekday": {"en": "Day", "fr": "Jour"},
    "campaigns": {
        "en": "Paid campaigns, within their objective",
        "fr": "Campagnes payantes, par objectif",
    },
    "campaigns_help": {
        "en": "Cost per result of each campaign, compared only with campaigns of the same "
        "objective (shorter bar = cheaper result).",
        "fr": "Coût par résultat de chaque campagne, comparé seulement aux campagnes du même "
        "objectif (barre plus courte = résultat moins cher).",
    },
    "conversions": {"en": "Conversions by source", "fr": "Conversions par source"},
    "conversions_help": {
        "en": "Appointments, calls, registrations and purchases by where they came from: a "
        "post, a campaign, only a platform, or unknown (no UTM tags).",
        "fr": "Rendez-vous, appels, inscriptions et achats selon leur provenance : une "
        "publication, une campagne, seulement une plateforme, ou inconnue (sans balises UTM).",
    },
    # column and series names
    "platform": {"en": "Platform", "fr": "Plateforme"},
    "posts": {"en": "Posts", "fr": "Publications"},
    "impressions": {"en": "Impressions", "fr": "Affichages"},
    "reach": {"en": "Reach (sum)", "fr": "Couverture (somme)"},
    "frequency": {"en": "Frequency", "fr": "Fréquence"},
    "engagement_rate": {"en": "Engagement rate", "fr": "Taux d'engagement"},
    "ctr": {"en": "CTR", "fr": "Taux de clics"},
    "conversions_col": {"en": "Conversions from posts", "fr": "Conversions (publications)"},
    "conversions_all": {"en": "Conversions (all sources)", "fr": "Conversions (toutes sources)"},
    "conversions_split": {"en": "Conversions by source:", "fr": "Conversions selon la source :"},
    "attributed_conversions": {
        "en": "Conversions attributed (client's own)",
        "fr": "Conversions attribuées (du client)",
    },
    "cost_per_attributed": {
        "en": "Cost per attributed conversion",
        "fr": "Coût par conversion attribuée",
    },
    "content_type": {"en": "Content type", "fr": "Type de contenu"},
    "theme": {"en": "Theme", "fr": "Thème"},
    "impressions_per_post": {"en": "Impressions per post", "fr": "Affichages par publication"},
    "baseline": {"en": "Baseline (8 previous weeks)", "fr": "Référence (8 semaines précédentes)"},
    "quarter": {"en": "Quarter", "fr": "Trimestre"},
    "change": {"en": "Change", "fr": "Variation"},
    "date": {"en": "Date", "fr": "Date"},
    "index": {"en": "Index", "fr": "Indice"},
    "link": {"en": "Link", "fr": "Lien"},
    "over": {"en": "Above normal", "fr": "Au-dessus de la normale"},
    "under": {"en": "Below normal", "fr": "En dessous de la normale"},
    "objective": {"en": "Objective", "fr": "Objectif"},
    "campaign": {"en": "Campaign", "fr": "Campagne"},
    "spend": {"en": "Spend", "fr": "Dépenses"},
    "results": {"en": "Results (Meta)", "fr": "Résultats (Meta)"},
    "cost_per_result": {"en": "Cost per result (Meta)", "fr": "Coût par résultat (Meta)"},
    "cpm": {"en": "CPM", "fr": "CPM"},
    "cpc": {"en": "CPC", "fr": "CPC"},
    "source": {"en": "Source", "fr": "Source"},
    "value": {"en": "Value", "fr": "Valeur"},
}


def t(key: str, lang: str) -> str:
    return TEXTS[key][lang]
