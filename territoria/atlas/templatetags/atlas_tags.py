"""Template helpers of the atlas: the map's configuration and words, dictionary look-ups."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import json_script
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def get_item(mapping: dict[str, Any] | None, key: str) -> Any:
    return (mapping or {}).get(key, "")


@register.simple_tag
def atlas_map_config(query: str) -> dict[str, Any]:
    return {
        "points": reverse("atlas:api-map") + ("?" + query if query else ""),
        "action": reverse("atlas:api-action", args=[0]).rstrip("0"),
        "outlines": static("atlas/departements.geojson"),
        "tiles": getattr(settings, "MAP_TILES_URL", "") or "",
        "attribution": getattr(settings, "MAP_TILES_ATTRIBUTION", "") or "",
    }


@register.simple_tag
def atlas_map_labels() -> SafeString:
    labels = {
        "loading": _("Chargement des actions…"),
        "failed": _("Les actions n'ont pas pu être chargées sur la carte."),
        "count": _("%s actions sur la carte ; les actions proches sont regroupées, zoomez pour les séparer."),
        "none": _("Aucune action localisée dans cette sélection."),
        "open": _("Ouvrir la fiche"),
        "loadingAction": _("Chargement…"),
    }
    return json_script(json.loads(json.dumps(labels)), "atlas-map-i18n")


@register.simple_tag(takes_context=True)
def atlas_rights(context: dict[str, Any]) -> dict[str, bool]:
    """What the sub-navigation offers the person: submitting, importing, moderating (the access policy decides)."""
    from territoria.access import services as access

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None:
        return {"submit": False, "moderate": False}
    return {"submit": access.can_submit_actions(user), "moderate": access.can_moderate_actions(user)}
