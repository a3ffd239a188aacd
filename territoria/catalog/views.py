"""Catalogue pages: search with facets, dataset page, downloads, organisations."""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from territoria.access import services as access
from territoria.accounts import services as accounts
from territoria.catalog import services
from territoria.catalog.facets import FACETS, FacetValue
from territoria.catalog.models import Dataset, Resource

PAGE_SIZE = 20
SORTS = {
    "relevance": ([], _("Pertinence")),
    "title": (["title"], _("Titre")),
    "-modified": (["-modified"], _("Dernière mise à jour")),
    "-popularity": (["-view_count"], _("Les plus consultés")),
}


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()[:200]
    refine = [(name, value) for name in FACETS for value in request.GET.getlist(name) if value]
    sort = request.GET.get("sort") or ("relevance" if text else "title")
    if sort not in SORTS:
        sort = "title"
    query = services.DatasetSearch(request.user, text=text, refine=refine, order_by=SORTS[sort][0])
    paginator = Paginator(range(query.count()), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    offset = (page.number - 1) * PAGE_SIZE
    facets = query.facets()
    active = {(name, value) for name, value in refine}
    context = {
        "text": text,
        "page": page,
        "datasets": query.page(offset, PAGE_SIZE),
        "total": paginator.count,
        "facets": [(FACETS[name], [(v, (name, v.value) in active) for v in values]) for name, values in facets.items()],
        "active": [(FACETS[name], value, _facet_name(facets[name], value)) for name, value in refine],
        "sort": sort,
        "sorts": [(key, label) for key, (_order, label) in SORTS.items() if key != "relevance" or text],
    }
    return render(request, "catalog/search.html", context)


def _facet_name(values: list[FacetValue], value: str) -> str:
    return next((v.name for v in values if v.value == value), value)


@require_GET
def dataset(request: HttpRequest, slug: str) -> HttpResponse:
    found = services.get_visible_dataset(request.user, slug)
    if found is None:
        raise Http404(_("Aucun jeu de données à cette adresse."))
    services.record_view(found)
    editable = access.can_edit(request.user, found)
    version = found.published_version
    issues = version.report.get("issues", []) if version else []
    context = {
        "dataset": found,
        "resources": found.resources.all(),
        "version": version,
        "issues": issues[:50],
        "issue_counts": {s: sum(1 for i in issues if i.get("severity") == s) for s in ("error", "warning", "info")},
        "can_edit": editable,
        "can_read_data": access.can_read_data(request.user, found),
        "can_share": access.can_share(request.user, found),
        "versions": services.versions_of(found) if editable else [],
        "preview_columns_json": json.dumps(
            [{"name": c["name"], "label": c["label"]} for c in (version.columns if version else [])][:30]
        ),
    }
    return render(request, "catalog/dataset.html", context)


def _audit_download(request: HttpRequest, dataset: Dataset, resource: Resource) -> None:
    """Downloads of data that is not public (restricted, internal, metadata-only, draft) go to the audit log."""
    if dataset.visibility == access.Visibility.PUBLIC and dataset.published is not None:
        return
    accounts.audit(
        accounts.AuditEvent.Action.DOWNLOAD,
        request=request,
        target=dataset.slug,
        organisation_id=dataset.organisation_id,
        dataset=dataset.slug,
        resource=resource.pk,
        file=(resource.file_name or resource.url)[:200],
    )


@require_GET
def download(request: HttpRequest, slug: str, pk: int) -> HttpResponseBase:
    found = services.get_visible_dataset(request.user, slug)
    if found is None:
        raise Http404(_("Aucun jeu de données à cette adresse."))
    if not access.can_read_data(request.user, found):
        raise PermissionDenied(_("Les fichiers de ce jeu de données sont réservés aux personnes autorisées."))
    resource = found.resources.filter(pk=pk).first()
    if resource is None:
        raise Http404(_("Aucune ressource à cette adresse."))
    if resource.kind == Resource.Kind.LINK:
        services.record_download(found)
        _audit_download(request, found, resource)
        return redirect(resource.url)
    try:
        stream = resource.open()
    except (FileNotFoundError, ValueError):
        raise Http404(_("Le fichier de cette ressource est introuvable.")) from None
    services.record_download(found)
    _audit_download(request, found, resource)
    response = FileResponse(stream, as_attachment=True, filename=resource.file_name or f"resource-{resource.pk}")
    if resource.media_type:
        response["Content-Type"] = resource.media_type
    return response


@require_GET
def organisations(request: HttpRequest) -> HttpResponse:
    visible = services.visible_datasets(request.user)
    counts = dict(
        visible.order_by().values_list("organisation_id").annotate(n=Count("pk")).values_list("organisation_id", "n")
    )
    rows = [(org, counts.get(org.pk, 0)) for org in accounts.organisations()]
    return render(request, "catalog/organisations.html", {"organisations": rows})


@require_GET
def organisation(request: HttpRequest, slug: str) -> HttpResponse:
    org = accounts.get_organisation(slug)
    if org is None:
        raise Http404(_("Aucune organisation à cette adresse."))
    datasets = list(services.with_relations(services.visible_datasets(request.user).filter(organisation=org)))
    return render(request, "catalog/organisation.html", {"organisation": org, "datasets": datasets})


@require_GET
def organisation_logo(request: HttpRequest, slug: str) -> HttpResponseBase:
    org = accounts.get_organisation(slug)
    if org is None or not org.logo:
        raise Http404(_("Aucun logo pour cette organisation."))
    try:
        stream = org.logo.open("rb")
    except FileNotFoundError:
        raise Http404(_("Aucun logo pour cette organisation.")) from None
    response = FileResponse(stream)
    # An uploaded SVG must never run scripts, even when opened directly.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    response["Cache-Control"] = "public, max-age=3600"
    return response
