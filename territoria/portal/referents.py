"""« Qui contacter ? »: the directory of referents, for signed-in members of an organisation.

A referent (a person or a service mailbox) looks after datasets. The directory spans the whole installation
(a métropole and its communes share it), but it holds agents' names and phone numbers: only signed-in members
of an organisation, and superusers, may use it.

The datasets a referent looks after always go through the access policy: a card lists, counts, themes and
searches only the datasets the viewer may see, so neither a title nor a keyword nor a theme of a hidden dataset
can be learnt through the directory.

Search is done in Python over the (small) directory: accents and case are folded (``lib.text``), every word of
the query must start a word of the referent's text (name, service, job title, expertise, titles, keywords and
themes of the visible datasets), or share its French stem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from territoria.accounts import services as accounts
from territoria.accounts.services import AnyUser, Referent
from territoria.catalog import services as catalog
from territoria.catalog.models import Dataset, Theme
from territoria.lib.text import fold, stems, words

PAGE_SIZE = 24
MAX_QUERY = 200


def may_use_directory(user: AnyUser) -> bool:
    """Signed-in members of an organisation (any role) and superusers."""
    if not user.is_authenticated:
        return False
    return bool(getattr(user, "is_superuser", False) or accounts.roles_by_organisation(user))


def refusal(request: HttpRequest) -> HttpResponse | None:
    """Sign-in page for anonymous visitors, a 403 page for people outside every organisation, else None."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not may_use_directory(request.user):
        return render(request, "portal/referents/forbidden.html", status=403)
    return None


def tel_href(phone: str) -> str:
    """« 02 38 00 00 10 » → « 0238000010 » (what a tel: link wants)."""
    return re.sub(r"[^\d+]", "", phone)


@dataclass
class Card:
    """A referent as one viewer sees it: only the datasets that viewer may see."""

    referent: Referent
    datasets: list[Dataset] = field(default_factory=list)

    @cached_property
    def themes(self) -> list[Theme]:
        found = {theme.code: theme for dataset in self.datasets for theme in dataset.themes.all()}
        return sorted(found.values(), key=lambda theme: fold(theme.label))

    @property
    def dataset_count(self) -> int:
        return len(self.datasets)

    @property
    def tel(self) -> str:
        return tel_href(self.referent.phone)

    @cached_property
    def tokens(self) -> frozenset[str]:
        """Folded words and stems of everything a search may match."""
        r = self.referent
        parts = [r.name, r.service, r.job_title, r.expertise]
        for dataset in self.datasets:
            parts.append(dataset.title)
            parts.extend(keyword.name for keyword in dataset.keywords.all())
            parts.extend(f"{theme.label_fr} {theme.label_en}" for theme in dataset.themes.all())
        text = " ".join(parts)
        return frozenset(words(text)) | frozenset(stems(text))

    def matches(self, query: list[tuple[str, str]]) -> bool:
        """Every (word, stem) of the query starts one of the card's words or stems."""
        return all(any(t.startswith(word) or t.startswith(stem) for t in self.tokens) for word, stem in query)


def parse_query(text: str) -> list[tuple[str, str]]:
    """(folded word, stem) for each meaningful word of the query."""
    return [(word, (stems(word) or [word])[0]) for word in words(text[:MAX_QUERY])]


def cards(user: AnyUser, referents: QuerySet[Referent] | None = None) -> list[Card]:
    """Cards of ``referents`` (default: the whole directory), each with the datasets ``user`` may see."""
    visible = (
        catalog.visible_datasets(user)
        .select_related("organisation")
        .prefetch_related("themes", "keywords")
        .order_by("title", "pk")
    )
    queryset = referents if referents is not None else accounts.Referent.objects.all()
    queryset = queryset.select_related("organisation").prefetch_related(
        Prefetch("datasets", queryset=visible, to_attr="visible_datasets")
    )
    return [Card(r, list(getattr(r, "visible_datasets", []))) for r in queryset.order_by("name", "pk")]


@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    refused = refusal(request)
    if refused is not None:
        return refused
    text = request.GET.get("q", "").strip()[:MAX_QUERY]
    theme = request.GET.get("theme", "").strip()
    service = request.GET.get("service", "").strip()
    organisation = request.GET.get("organisation", "").strip()

    everyone = cards(request.user)
    themes = sorted({t.code: t for card in everyone for t in card.themes}.values(), key=lambda t: fold(t.label))
    services = sorted({c.referent.service for c in everyone if c.referent.service}, key=fold)
    organisations = sorted(
        {c.referent.organisation.slug: c.referent.organisation for c in everyone}.values(), key=lambda o: fold(o.name)
    )

    found = everyone
    if organisation:
        found = [c for c in found if c.referent.organisation.slug == organisation]
    if service:
        found = [c for c in found if fold(c.referent.service) == fold(service)]
    if theme:
        found = [c for c in found if any(t.code == theme for t in c.themes)]
    query = parse_query(text)
    if query:
        found = [c for c in found if c.matches(query)]

    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "text": text,
        "theme": theme,
        "service": service,
        "organisation": organisation,
        "themes": themes,
        "services": services,
        "organisations": organisations,
        "page": page,
        "cards": page.object_list,
        "total": len(found),
        "filtered": bool(text or theme or service or organisation),
    }
    return render(request, "portal/referents/directory.html", context)


@require_GET
def referent(request: HttpRequest, pk: int) -> HttpResponse:
    refused = refusal(request)
    if refused is not None:
        return refused
    found = accounts.Referent.objects.select_related("organisation").filter(pk=pk).first()
    if found is None:
        raise Http404(_("Aucun référent à cette adresse."))
    datasets = list(catalog.with_relations(catalog.visible_datasets(request.user).filter(referent=found)))
    return render(request, "portal/referents/referent.html", {"card": Card(found, datasets)})
