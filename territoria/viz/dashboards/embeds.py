"""Embeds: a dashboard, or one of its blocks, in a page of another site (an iframe), without the site's chrome.

The same access policy as the full pages, to the letter: the dashboard must be visible to the person (404
otherwise, whatever the block), and each block reads its data through the dataset policy. A visitor of another
site is usually not signed in here (the session cookie does not travel into a third-party frame), so in
practice only public dashboards, and their blocks on public data, show in other sites.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from territoria.viz.dashboards import policy
from territoria.viz.dashboards.views import page_context, visible_or_404
from territoria.viz.models import Block
from territoria.web.security import draws_charts, embeddable


@require_GET
@embeddable
@draws_charts
def embed_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    found = visible_or_404(request, slug)
    return render(request, "viz/embed_dashboard.html", page_context(request, found))


@require_GET
@embeddable
@draws_charts
def embed_block(request: HttpRequest, pk: int) -> HttpResponse:
    block = Block.objects.select_related("dashboard", "dashboard__organisation").filter(pk=pk).first()
    if block is None or not policy.can_view(request.user, block.dashboard):
        raise Http404(_("Aucun bloc à cette adresse."))
    context = page_context(request, block.dashboard, only=block)
    context["view"] = context["blocks"][0]
    return render(request, "viz/embed_block.html", context)
