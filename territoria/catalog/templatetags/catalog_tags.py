"""Template helpers of the catalogue: safe Markdown, readable sizes, query-string toggles."""

from __future__ import annotations

import markdown as md
import nh3
from django import template
from django.http import QueryDict
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

register = template.Library()

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "a",
    "ul",
    "ol",
    "li",
    "code",
    "pre",
    "blockquote",
    "h2",
    "h3",
    "h4",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
}


@register.filter(name="markdown")
def render_markdown(text: str) -> SafeString:
    """Markdown to HTML, sanitised (no script, no style, no raw HTML injection); headings shifted below h1."""
    html = md.markdown(text or "", extensions=["tables", "sane_lists"], output_format="html")
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    cleaned = nh3.clean(html, tags=ALLOWED_TAGS, link_rel="noopener noreferrer nofollow")
    return mark_safe(cleaned)  # noqa: S308  (sanitised by nh3 just above)


@register.simple_tag
def toggle_param(query: QueryDict, name: str, value: str) -> str:
    """The query string with ``name=value`` added, or removed if already there; page reset."""
    params = query.copy()
    values = params.getlist(name)
    if value in values:
        values.remove(value)
    else:
        values.append(value)
    params.setlist(name, values)
    params.pop("page", None)
    return params.urlencode()


@register.simple_tag
def with_param(query: QueryDict, name: str, value: object) -> str:
    params = query.copy()
    params[name] = str(value)
    return params.urlencode()


COLUMN_TYPES = {
    "text": _("texte"),
    "integer": _("entier"),
    "decimal": _("décimal"),
    "boolean": _("oui/non"),
    "date": _("date"),
    "datetime": _("date et heure"),
    "geo_point": _("point géographique"),
    "geo_shape": _("forme géographique"),
}


@register.filter
def column_type(code: str) -> str:
    """A readable name for a column type of a version."""
    return str(COLUMN_TYPES.get(code, code))
