"""Ingestion API: send a file or a URL, follow the job, retry; list, read and publish versions.

    POST /api/ingest/v1/datasets/{dataset_id}/uploads       (multipart: file, publish, options)
    POST /api/ingest/v1/datasets/{dataset_id}/fetches       (url, publish)
    GET  /api/ingest/v1/jobs/{job_id}
    POST /api/ingest/v1/jobs/{job_id}/retry
    GET  /api/ingest/v1/datasets/{dataset_id}/versions
    GET  /api/ingest/v1/datasets/{dataset_id}/versions/{number}
    POST /api/ingest/v1/datasets/{dataset_id}/versions/{number}/publish   (justification optional)
    POST /api/ingest/v1/datasets/{dataset_id}/versions/{number}/personal-data   (column, action=drop|mask)

Writing needs a signed-in editor of the dataset's organisation (session; API tokens come with accounts).
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from territoria.access import services as access
from territoria.catalog import services as catalog
from territoria.catalog.models import Dataset, Version
from territoria.ingest import derive, services
from territoria.ingest.models import Job
from territoria.ingest.serializers import job_json, version_json
from territoria.web.errors import ApiError, NotFound

READ_OPTIONS = ("encoding", "delimiter", "sheet", "layer", "source_crs", "header_row")


def _json(body: object, status: int = 200) -> JsonResponse:
    return JsonResponse(body, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def _editable_dataset(request: HttpRequest, dataset_id: str) -> Dataset:
    dataset = catalog.get_visible_dataset(request.user, dataset_id)
    if dataset is None:
        raise NotFound(_("Aucun jeu de données « %(id)s ».") % {"id": dataset_id[:100]}, parameter="dataset_id")
    if not request.user.is_authenticated:
        raise ApiError(_("Connectez-vous pour modifier ce jeu de données."), status=401, error_code="Unauthorized")
    if not access.can_edit(request.user, dataset):
        raise ApiError(
            _("Seuls les éditeurs de l'organisation peuvent modifier ce jeu de données."),
            status=403,
            error_code="Forbidden",
        )
    return dataset


def _options(request: HttpRequest) -> dict[str, object]:
    options: dict[str, object] = {}
    for name in READ_OPTIONS:
        value = request.POST.get(name, "").strip()
        if not value:
            continue
        if name == "header_row":
            if not value.isdigit() or int(value) < 1:
                raise ApiError(_("« header_row » doit être un entier positif."), parameter="header_row")
            options[name] = int(value)
        else:
            options[name] = value[:100]
    return options


def _flag(request: HttpRequest, name: str) -> bool:
    return request.POST.get(name, "").lower() in {"1", "true", "on", "oui", "yes"}


@require_POST
def upload(request: HttpRequest, dataset_id: str) -> JsonResponse:
    dataset = _editable_dataset(request, dataset_id)
    sent = request.FILES.get("file")
    if sent is None:
        raise ApiError(_("Joignez le fichier dans le champ « file » (multipart/form-data)."), parameter="file")
    try:
        job = services.submit_file(
            dataset,
            sent,
            sent.name or "fichier",
            user=request.user,
            options=_options(request),
            publish=_flag(request, "publish"),
        )
    except services.SubmissionRefused as refused:
        raise ApiError(refused.message, parameter="file", status=413 if "taille" in refused.message else 400) from None
    return _json(job_json(job), status=202)


@require_POST
def fetch(request: HttpRequest, dataset_id: str) -> JsonResponse:
    dataset = _editable_dataset(request, dataset_id)
    url = request.POST.get("url", "")
    try:
        job = services.fetch_url(
            dataset, url, user=request.user, publish=_flag(request, "publish"), options=_options(request)
        )
    except services.SubmissionRefused as refused:
        raise ApiError(refused.message, parameter="url") from None
    return _json(job_json(job), status=202)


def _visible_job(request: HttpRequest, job_id: int) -> Job:
    job = services.get_job(job_id)
    if job is None or not access.can_edit(request.user, job.dataset):
        raise NotFound(_("Aucune tâche n° %(id)d.") % {"id": job_id}, parameter="job_id")
    return job


@require_GET
def job(request: HttpRequest, job_id: int) -> JsonResponse:
    return _json(job_json(_visible_job(request, job_id)))


@require_POST
def retry(request: HttpRequest, job_id: int) -> JsonResponse:
    found = _visible_job(request, job_id)
    try:
        found = services.retry(found)
    except services.SubmissionRefused as refused:
        raise ApiError(refused.message, parameter="job_id", status=409, error_code="Conflict") from None
    return _json(job_json(found), status=202)


@require_GET
def versions(request: HttpRequest, dataset_id: str) -> JsonResponse:
    dataset = _editable_dataset(request, dataset_id)
    current = dataset.published_version_id
    return _json(
        {
            "dataset_id": dataset.slug,
            "published_version": dataset.published_version.number if dataset.published_version else None,
            "results": [version_json(v, published=v.pk == current) for v in catalog.versions_of(dataset)],
        }
    )


def _version(dataset: Dataset, number: int) -> Version:
    found = dataset.versions.filter(number=number).first()
    if found is None:
        raise NotFound(_("Aucune version n° %(n)d pour ce jeu de données.") % {"n": number}, parameter="number")
    return found


@require_GET
def version(request: HttpRequest, dataset_id: str, number: int) -> JsonResponse:
    dataset = _editable_dataset(request, dataset_id)
    found = _version(dataset, number)
    return _json(version_json(found, published=found.pk == dataset.published_version_id, full=True))


@require_POST
def publish(request: HttpRequest, dataset_id: str, number: int) -> JsonResponse:
    dataset = _editable_dataset(request, dataset_id)
    found = _version(dataset, number)
    justification = request.POST.get("justification", "").strip()
    try:
        if justification:
            catalog.justify_pii(found, justification)
        catalog.publish_version(dataset, found, request=request)
    except catalog.PublicationRefused as refused:
        raise ApiError(refused.message, parameter="number", status=409, error_code="PublicationRefused") from None
    return _json(version_json(found, published=True, full=False))


@require_POST
def remove_personal_data(request: HttpRequest, dataset_id: str, number: int) -> JsonResponse:
    dataset = _editable_dataset(request, dataset_id)
    found = _version(dataset, number)
    try:
        derived = derive.without_column(
            found, request.POST.get("column", ""), request.POST.get("action", ""), user=request.user
        )
    except derive.DeriveRefused as refused:
        raise ApiError(refused.message, parameter="column") from None
    return _json(version_json(derived, published=False, full=False), status=201)
