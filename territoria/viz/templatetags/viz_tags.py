"""Template helpers of the visualisation pages: table cells and numbers, written for people."""

from __future__ import annotations

import html
import re
from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html, json_script
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()
CELL_CHARACTERS = 160
URL = re.compile(r"https?://[^\s<>\"]+")


@register.filter
def viz_number(value: Any) -> Any:
    """A number as people read it here (1 234,5), other values unchanged."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    if isinstance(value, float) and not value.is_integer():
        return number_format(round(value, 2), decimal_pos=None, use_l10n=True, force_grouping=True)
    return number_format(int(value), use_l10n=True, force_grouping=True)


@register.filter
def viz_cell(value: Any) -> SafeString | Any:
    """A value of the records API in a table cell: booleans in words, points, shapes named, long text cut."""
    if value is None or value == "":
        return format_html('<span class="empty" aria-label="{}">—</span>', _("vide"))
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, int | float):
        return viz_number(value)
    if isinstance(value, dict):
        if set(value) == {"lon", "lat"}:
            return f"lat {round(value['lat'], 6)}, lon {round(value['lon'], 6)}"
        return format_html('<span class="shape">{}</span>', _("forme « %(type)s »") % {"type": value.get("type", "?")})
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)[:CELL_CHARACTERS]
    text = str(value)
    if URL.fullmatch(text):
        shown = text if len(text) <= 60 else text[:57] + "…"
        return format_html('<a href="{}" rel="nofollow noopener">{}</a>', text, shown)
    if len(text) > CELL_CHARACTERS:
        return format_html('<span title="{}">{}…</span>', text[:1000], text[:CELL_CHARACTERS])
    return text


@register.simple_tag
def viz_chart_labels() -> SafeString:
    """The words vega-embed shows (its menu) and those of viz/chart.js, in the page's language."""
    labels = {
        "PNG_ACTION": _("Enregistrer en PNG"),
        "SVG_ACTION": _("Enregistrer en SVG"),
        "CLICK_TO_VIEW_ACTIONS": _("Actions du graphique"),
        "COMPILED_ACTION": "Vega",
        "EDITOR_ACTION": "Vega",
        "SOURCE_ACTION": _("Voir la spécification"),
        "failed": _("Le graphique n'a pas pu être dessiné ; ses données restent dans le tableau."),
    }
    return json_script(labels, "viz-chart-i18n")


@register.simple_tag
def viz_map_labels() -> SafeString:
    """The words of viz/map.js, in the page's language (%s stands for a number)."""
    labels = {
        "loading": _("Chargement des données de la carte…"),
        "failed": _("Les données de la carte n'ont pas pu être chargées."),
        "points": _("%s points affichés ; les points proches sont regroupés, zoomez pour les séparer."),
        "clusters": _(
            "%s points dans la zone affichée : trop pour les montrer un à un, ils sont regroupés en %g groupes. "
            "Zoomez pour les voir en détail."
        ),
        "shapes": _("%s formes affichées."),
        "none": _("Aucune donnée dans la zone affichée."),
        "cluster": _("Groupe de %s points : activer pour zoomer"),
        "record": _("Enregistrement %s"),
        "loadingRecord": _("Chargement…"),
        "recordFailed": _("Cet enregistrement n'a pas pu être chargé."),
        "legendNone": _("sans valeur"),
        "range": _("de %s à %s"),
        "yes": _("oui"),
        "no": _("non"),
        "listMore": _("… et %s autres (voir le tableau)"),
    }
    return json_script(labels, "viz-map-i18n")


@register.simple_tag
def viz_iframe(url: str, title: str, height: int | str = 480) -> str:
    """The HTML of an embed, as *text* to copy (the template escapes it once more to show it)."""
    return (
        f'<iframe src="{html.escape(url)}" title="{html.escape(title)}" width="100%" height="{int(height)}" '
        f'loading="lazy"></iframe>'
    )
