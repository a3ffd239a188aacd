"""The agents' space (/espace/): a signed-in person's home in the internal portal.

Everything listed goes through the access policy (``catalog.services.visible_datasets``); the public home page
stays public and unchanged.
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from territoria.access import services as access
from territoria.accounts import services as accounts
from territoria.accounts.services import AnyUser
from territoria.catalog import services as catalog
from territoria.catalog.models import Dataset
from territoria.ingest.models import Job
from territoria.portal import referents

LIMIT = 50
RECENT = 10
REFERENTS = 12


@require_GET
def space(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    roles = accounts.roles_by_organisation(user)
    role_names = dict(accounts.Membership.Role.choices)
    memberships = [
        (org, role_names.get(roles[org.pk], roles[org.pk])) for org in accounts.organisations().filter(pk__in=roles)
    ]
    visible = catalog.visible_datasets(user)

    # Published datasets not listed to everyone: the organisation's internal ones, restricted ones opened to them.
    internal = visible.filter(published__isnull=False).exclude(visibility__in=sorted(access.LISTED))
    editable = access.editable_organisations(user)
    drafts = visible.filter(published__isnull=True)  # only editors and collaborators see drafts at all
    drafts_total = drafts.count()
    is_editor = editable is None or bool(editable) or drafts_total > 0

    directory = referents.may_use_directory(user)
    own_referents = (
        referents.cards(user, accounts.Referent.objects.filter(organisation_id__in=list(roles))) if directory else []
    )
    managed = access.managed_organisations(user)
    context = {
        "memberships": memberships,
        "managed": [org for org, _role in memberships if managed is None or org.pk in managed],
        "manages_all": managed is None,
        "internal": list(catalog.with_relations(internal.order_by("title", "pk"))[:LIMIT]),
        "internal_total": internal.count(),
        "recent": catalog.latest(user, RECENT),
        "directory": directory,
        "referents": own_referents[:REFERENTS],
        "referents_total": len(own_referents),
        "is_editor": is_editor,
        "drafts": list(catalog.with_relations(drafts.order_by("-modified", "pk"))[:LIMIT]) if is_editor else [],
        "drafts_total": drafts_total,
        "failed": _failed(user, visible) if is_editor else [],
    }
    return render(request, "portal/space.html", context)


def _failed(user: AnyUser, visible: QuerySet[Dataset]) -> list[tuple[Dataset, Job | None]]:
    """Datasets ``user`` may change whose last ingestion job failed, with that job."""
    last = Job.objects.filter(dataset=OuterRef("pk")).order_by("-created", "-pk")
    candidates = (
        visible.filter(pk__in=Job.objects.filter(status=Job.Status.FAILED).values("dataset_id"))
        .annotate(last_job_status=Subquery(last.values("status")[:1]), last_job_id=Subquery(last.values("pk")[:1]))
        .filter(last_job_status=Job.Status.FAILED)
        .select_related("organisation")
        .order_by("-modified", "pk")[:LIMIT]
    )
    failed = [d for d in candidates if access.can_edit(user, d)]
    jobs = Job.objects.in_bulk([getattr(d, "last_job_id") for d in failed])  # noqa: B009
    return [(d, jobs.get(getattr(d, "last_job_id"))) for d in failed]  # noqa: B009
