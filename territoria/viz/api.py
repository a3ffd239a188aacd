"""Map data API: GET /api/viz/v1/datasets/{dataset_id}/map?bbox=&zoom=[&value=][&where=][&refine=][&exclude=]

The records API pages hold 100 rows; a map of 100,000 points needs the server to count and cluster them in
the box on screen, which only this endpoint does. Errors keep the API's one JSON shape.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from territoria.viz import data, geo
from territoria.web.errors import ApiError
from territoria.web.params import get_int, reject_unknown

MAP_PARAMS = {"bbox", "zoom", "value", "where", "refine", "exclude", "lang"}


def _lang(request: HttpRequest) -> str:
    lang = request.GET.get("lang") or translation.get_language() or settings.LANGUAGE_CODE
    if lang not in dict(settings.LANGUAGES):
        raise ApiError(
            _("« lang » accepte : %(langs)s.") % {"langs": ", ".join(dict(settings.LANGUAGES))}, parameter="lang"
        )
    return lang


@require_GET
def map_data(request: HttpRequest, dataset_id: str) -> JsonResponse:
    params = request.GET
    with translation.override(_lang(request)):
        reject_unknown(params, MAP_PARAMS)
        _dataset, version = data.source_for_api(request.user, dataset_id)
        info = version.geo or {}
        if not info.get("point_column"):
            raise ApiError(
                _("Ce jeu de données n'a pas de colonne géographique : il ne se dessine pas sur une carte."),
                error_code="NoGeometry",
                parameter="dataset_id",
            )
        raw_bbox = params.get("bbox", "")
        if raw_bbox:
            try:
                bbox = geo.parse_bbox(raw_bbox)
            except geo.BBoxError as error:
                raise ApiError(str(error), parameter="bbox") from None
        else:
            bbox = geo.parse_bbox(",".join(str(v) for v in info["bbox"])) if info.get("bbox") else geo.WORLD
        zoom = get_int(params, "zoom", 0, 0, geo.MAX_ZOOM)
        value = params.get("value", "")
        if value and value not in {c["name"] for c in geo.numeric_columns(version.columns)}:
            raise ApiError(
                _("« value » : « %(value)s » n'est pas une colonne numérique de ce jeu de données.")
                % {"value": value[:60]},
                parameter="value",
                expected=[c["name"] for c in geo.numeric_columns(version.columns)],
            )
        query = data.Query(
            where=params.get("where", ""), refine=params.getlist("refine"), exclude=params.getlist("exclude")
        )
        try:
            body = geo.map_data(version, bbox, zoom, query, value=value, limit=geo.MAX_POINTS)
        except data.QueryFailed as error:
            raise ApiError(
                error.message,
                parameter=error.clause,
                position=error.position,
                error_code="ODSQLError" if error.clause else "QueryError",
            ) from None
        return JsonResponse(body, json_dumps_params={"ensure_ascii": False, "separators": (",", ":")})
