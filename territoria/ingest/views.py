"""Pages of ingestion: send a new version (file or URL), follow a job."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from territoria.access import services as access
from territoria.catalog import services as catalog
from territoria.catalog.models import Dataset
from territoria.ingest import derive, services


def _editable(request: HttpRequest, slug: str) -> Dataset:
    dataset = catalog.get_visible_dataset(request.user, slug)
    if dataset is None or not access.can_edit(request.user, dataset):
        raise Http404(_("Aucun jeu de données à cette adresse."))
    return dataset


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = _editable(request, slug)
    error = ""
    if request.method == "POST":
        publish = request.POST.get("publish") == "on"
        try:
            sent = request.FILES.get("file")
            if isinstance(sent, UploadedFile):
                job = services.submit_file(dataset, sent, sent.name or "fichier", user=request.user, publish=publish)
            elif request.POST.get("url"):
                job = services.fetch_url(dataset, request.POST["url"], user=request.user, publish=publish)
            else:
                raise services.SubmissionRefused(_("Choisissez un fichier ou indiquez une adresse web."))
        except services.SubmissionRefused as refused:
            error = refused.message
        else:
            messages.info(request, _("Fichier reçu : le traitement commence."))
            return redirect("ingest:job", job_id=job.pk)
    jobs = dataset.ingest_jobs.order_by("-created")[:10]
    return render(
        request, "ingest/upload.html", {"dataset": dataset, "error": error, "jobs": jobs}, status=400 if error else 200
    )


@login_required
@require_GET
def job(request: HttpRequest, job_id: int) -> HttpResponse:
    found = services.get_job(job_id)
    if found is None or not access.can_edit(request.user, found.dataset):
        raise Http404(_("Aucune tâche à cette adresse."))
    return render(request, "ingest/job.html", {"job": found, "dataset": found.dataset})


@login_required
@require_http_methods(["POST"])
def publish(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    dataset = _editable(request, slug)
    version = dataset.versions.filter(number=number).first()
    if version is None:
        raise Http404(_("Aucune version à cette adresse."))
    justification = request.POST.get("justification", "").strip()
    try:
        if justification:
            catalog.justify_pii(version, justification)
        catalog.publish_version(dataset, version, request=request)
    except catalog.PublicationRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Version %(n)d publiée.") % {"n": version.number})
    return redirect(dataset.get_absolute_url())


@login_required
@require_http_methods(["POST"])
def remove_personal_data(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    dataset = _editable(request, slug)
    version = dataset.versions.filter(number=number).first()
    if version is None:
        raise Http404(_("Aucune version à cette adresse."))
    try:
        derived = derive.without_column(
            version, request.POST.get("column", ""), request.POST.get("action", ""), user=request.user
        )
    except derive.DeriveRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request, _("Version %(n)d créée sans la donnée personnelle ; publiez-la.") % {"n": derived.number}
        )
    return redirect(dataset.get_absolute_url())
