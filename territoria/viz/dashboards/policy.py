"""Who may know a dashboard exists, and who may change it: the access policy of datasets, reused as is.

A dashboard carries the fields the policy reads (``visibility``, ``organisation_id``, ``published``). The policy
also looks up *grants* by primary key, and grants only ever target datasets: a dashboard is therefore shown to the
policy as a :class:`Guard` without a key, so that a grant on dataset number 7 never opens dashboard number 7.
Consequences: a public published dashboard is for everyone, an internal one for the organisation's agents, a
restricted one (and any unpublished one) for the organisation's editors and administrators.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from territoria.access import services as access
from territoria.accounts.services import AnyUser
from territoria.viz.models import Dashboard


@dataclass(frozen=True)
class Guard:
    """A dashboard as the access policy sees it (``pk`` None: no grant applies)."""

    visibility: str
    organisation_id: int | None
    published: datetime | None
    pk: None = None


def guard(dashboard: Dashboard) -> Guard:
    return Guard(dashboard.visibility, dashboard.organisation_id, dashboard.published)


def can_view(user: AnyUser, dashboard: Dashboard) -> bool:
    """May ``user`` know that ``dashboard`` exists (its title, its blocks' layout)?"""
    return access.can_view(user, guard(dashboard))


def can_edit(user: AnyUser, dashboard: Dashboard) -> bool:
    """May ``user`` change, publish or delete ``dashboard``?"""
    return access.can_edit(user, guard(dashboard))


def visible_dashboards(user: AnyUser) -> list[Dashboard]:
    """The dashboards ``user`` may see, by title. The policy's filter narrows the query; each one is then
    decided without grants (see the module's docstring)."""
    candidates: QuerySet[Dashboard] = Dashboard.objects.filter(access.visible_filter(user)).select_related(
        "organisation"
    )
    return [d for d in candidates.order_by("title", "pk") if can_view(user, d)]


def get_visible_dashboard(user: AnyUser, slug: str) -> Dashboard | None:
    dashboard = Dashboard.objects.select_related("organisation").filter(slug=slug).first()
    if dashboard is None or not can_view(user, dashboard):
        return None
    return dashboard


def can_create(user: AnyUser) -> bool:
    """May ``user`` create a dashboard for at least one organisation?"""
    if not user.is_authenticated:
        return False
    organisations = access.editable_organisations(user)
    return organisations is None or bool(organisations)
