"""Dashboard pages: the list, one dashboard with its filters, and the editing pages (dashboard and blocks).

Reading goes through :mod:`.policy` (who may know the dashboard exists) and :mod:`.render` (each block through
the dataset policy). Editing needs ``policy.can_edit``: the editors and administrators of the organisation.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from territoria.catalog import services as catalog
from territoria.viz import specs
from territoria.viz.dashboards import policy
from territoria.viz.dashboards import render as blocks_render
from territoria.viz.dashboards.filters import PageFilters, param
from territoria.viz.dashboards.forms import FORMS, BlockForm, DashboardForm, DatasetChoiceForm
from territoria.viz.models import Block, Dashboard
from territoria.web.security import draws_charts

BLOCK_KINDS_HELP: dict[str, Any] = {
    Block.Kind.KPI: gettext_lazy("un chiffre (total, nombre, moyenne…), comparé si l'on veut à la période précédente"),
    Block.Kind.CHART: gettext_lazy("barres, courbe, aires, camembert, nuage de points ou histogramme"),
    Block.Kind.MAP: gettext_lazy("les points ou les formes d'un jeu de données géographiques"),
    Block.Kind.TABLE: gettext_lazy("quelques lignes choisies, triées"),
    Block.Kind.TEXT: gettext_lazy("un texte de présentation, en Markdown"),
}


# --- reading ------------------------------------------------------------------------------------------------


def page_context(request: HttpRequest, dashboard: Dashboard, only: Block | None = None) -> dict[str, Any]:
    """Everything a dashboard page (or an embed) shows: its filters, its blocks drawn for this person."""
    filters = PageFilters.parse(dashboard.filters, request.GET)
    reader = blocks_render.Reader(request.user)
    blocks = list(dashboard.blocks.all())
    shown = [only] if only is not None else blocks
    views = [blocks_render.draw(reader, block, filters) for block in shown]
    choices = blocks_render.choices(reader, blocks, filters) if filters.labels and only is None else {}
    query = urlencode(filters.params())
    suffix = "?" + query if query else ""
    for view in views:
        view.embed_url = request.build_absolute_uri(reverse("viz:embed-block", args=[view.block.pk])) + suffix
    fields = [
        {
            "key": key,
            "name": param(key),
            "label": label,
            "value": filters.values.get(key, ""),
            "choices": choices.get(key, []),
            "error": filters.errors.get(key, ""),
        }
        for key, label in filters.labels.items()
    ]
    return {
        "dashboard": dashboard,
        "blocks": views,
        "filters": filters,
        "filter_fields": fields,
        "query": query,
        "has_chart": any(v.drawn for v in views),
        "has_map": any(v.map_config for v in views),
        "can_edit": policy.can_edit(request.user, dashboard),
        "public": dashboard.visibility == "public" and dashboard.published is not None,
        "page_url": request.build_absolute_uri(dashboard.get_absolute_url()) + suffix,
        "embed_url": request.build_absolute_uri(reverse("viz:embed-dashboard", args=[dashboard.slug])) + suffix,
    }


def visible_or_404(request: HttpRequest, slug: str) -> Dashboard:
    dashboard = policy.get_visible_dashboard(request.user, slug)
    if dashboard is None:
        raise Http404(_("Aucun tableau de bord à cette adresse."))
    return dashboard


@require_GET
def dashboards(request: HttpRequest) -> HttpResponse:
    found = policy.visible_dashboards(request.user)
    items = [{"dashboard": d, "can_edit": policy.can_edit(request.user, d)} for d in found]
    return render(
        request,
        "viz/dashboards.html",
        {"items": items, "can_create": policy.can_create(request.user)},
    )


@require_GET
@draws_charts
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    found = visible_or_404(request, slug)
    return render(request, "viz/dashboard.html", page_context(request, found))


# --- editing the dashboard ----------------------------------------------------------------------------------


def _editable(request: HttpRequest, slug: str) -> Dashboard:
    found = visible_or_404(request, slug)
    if not policy.can_edit(request.user, found):
        raise PermissionDenied(_("Seuls les éditeurs de son organisation modifient ce tableau de bord."))
    return found


def _edit_url(dashboard: Dashboard, anchor: str = "") -> str:
    return reverse("viz:dashboard-edit", args=[dashboard.slug]) + (f"#{anchor}" if anchor else "")


@require_http_methods(["GET", "POST"])
def dashboard_new(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not policy.can_create(request.user):
        raise PermissionDenied(_("Seuls les éditeurs d'une organisation créent des tableaux de bord."))
    form = DashboardForm(request.POST or None, user=request.user, instance=Dashboard())
    if request.method == "POST" and form.is_valid():
        created = form.save()
        messages.success(request, _("Tableau de bord créé : ajoutez-lui des blocs."))
        return HttpResponseRedirect(_edit_url(created))
    status = 400 if request.method == "POST" else 200
    return render(request, "viz/dashboard_form.html", {"form": form, "dashboard": None}, status=status)


@require_http_methods(["GET", "POST"])
def dashboard_edit(request: HttpRequest, slug: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    found = _editable(request, slug)
    form = DashboardForm(request.POST or None, user=request.user, instance=found)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Tableau de bord enregistré."))
        return HttpResponseRedirect(_edit_url(found))
    reader = blocks_render.Reader(request.user)
    items = []
    for block in found.blocks.all():
        state, readable = reader.read(block.dataset_slug) if block.kind != Block.Kind.TEXT else ("ok", None)
        items.append({"block": block, "dataset": readable.dataset if readable else None, "state": state})
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "dashboard": found, "items": items, "kinds": _kinds()}
    return render(request, "viz/dashboard_form.html", context, status=status)


def _kinds() -> list[dict[str, Any]]:
    return [{"value": value, "label": label, "help": BLOCK_KINDS_HELP[value]} for value, label in Block.Kind.choices]


@require_http_methods(["GET", "POST"])
def dashboard_delete(request: HttpRequest, slug: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    found = _editable(request, slug)
    if request.method == "POST" and request.POST.get("confirmer") == "oui":
        title = found.title
        found.delete()
        messages.success(request, _("Tableau de bord « %(title)s » supprimé.") % {"title": title})
        return HttpResponseRedirect(reverse("viz:dashboards"))
    return render(request, "viz/dashboard_delete.html", {"dashboard": found, "the_block": None})


# --- editing blocks -----------------------------------------------------------------------------------------


def _datasets_for(request: HttpRequest, kind: str) -> list[tuple[str, str]]:
    """Datasets the editor may read that have published data (with a geometry, for a map)."""
    found = catalog.readable_datasets(request.user).filter(published_version__isnull=False)
    out = []
    for dataset in found.select_related("published_version").order_by("title"):
        version = dataset.published_version
        if kind == Block.Kind.MAP and not ((version.geo if version else None) or {}).get("point_column"):
            continue
        out.append((dataset.slug, dataset.title))
    return out


def _block_page(request: HttpRequest, dashboard: Dashboard, kind: str, block: Block | None) -> HttpResponse:
    form_class = FORMS[kind]
    context: dict[str, Any] = {"dashboard": dashboard, "the_block": block, "kind": kind}
    context["kind_label"] = Block.Kind(kind).label
    slug = ""
    version = None
    columns: specs.Columns = {}
    if kind != Block.Kind.TEXT:
        datasets = _datasets_for(request, kind)
        wanted = request.GET.get("jeu") or (block.dataset_slug if block else "")
        known = dict(datasets)
        if wanted not in known:
            choice = DatasetChoiceForm(
                {"jeu": wanted} if request.GET.get("jeu") else None, datasets=datasets, initial={"jeu": ""}
            )
            if block is not None and block.dataset_slug and not request.GET.get("jeu"):
                context["dataset_lost"] = True
            context.update(choice_form=choice, datasets=datasets)
            return render(request, "viz/dashboard_block_form.html", context, status=200)
        slug = wanted
        dataset = catalog.get_visible_dataset(request.user, slug)
        if dataset is None or dataset.published_version is None:  # pragma: no cover - listed a moment ago
            raise Http404
        version = dataset.published_version
        columns = specs.columns_of(version.columns)
        context.update(dataset=dataset, change_url=request.path + "?" + urlencode({"type": kind}))
    same_dataset = block is not None and block.dataset_slug == slug
    initial = form_class.initial_from(block) if block is not None and same_dataset else None
    if block is not None and not same_dataset:
        initial = {"title": block.title, "width": block.width}
    form: BlockForm = form_class(
        request.POST if request.method == "POST" else None,
        initial=initial,
        columns=columns,
        version=version,
        page_filters=PageFilters.parse(dashboard.filters, {}).labels,
    )
    if request.method == "POST" and form.is_valid():
        config: dict[str, Any] = {}
        if slug:
            config["dataset"] = slug
            mapping = form.filter_mapping()
            if mapping:
                config["filters"] = mapping
        config.update(form.settings())
        with transaction.atomic():
            if block is None:
                last = dashboard.blocks.order_by("-position").values_list("position", flat=True).first()
                block = Block(dashboard=dashboard, kind=kind, position=(last + 1) if last is not None else 0)
            block.title = form.cleaned_data.get("title") or ""
            block.width = form.cleaned_data["width"]
            block.config = config
            block.save()
            Dashboard.objects.filter(pk=dashboard.pk).update(modified=timezone.now())
        messages.success(request, _("Bloc enregistré."))
        return HttpResponseRedirect(_edit_url(dashboard, f"bloc-{block.pk}"))
    context["form"] = form
    context["main_fields"] = [form[name] for name in form.fields if not name.startswith("filtre_")]
    context["filter_fields"] = [form[name] for name in form.fields if name.startswith("filtre_")]
    context["action"] = request.get_full_path()
    status = 400 if request.method == "POST" else 200
    return render(request, "viz/dashboard_block_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def block_add(request: HttpRequest, slug: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    found = _editable(request, slug)
    kind = request.GET.get("type", "")
    if kind not in FORMS:
        context = {"dashboard": found, "kinds": _kinds()}
        return render(
            request, "viz/dashboard_block_kind.html", context, status=400 if request.method == "POST" else 200
        )
    return _block_page(request, found, kind, None)


def _block_of(dashboard: Dashboard, pk: int) -> Block:
    return get_object_or_404(Block, pk=pk, dashboard=dashboard)


@require_http_methods(["GET", "POST"])
def block_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    found = _editable(request, slug)
    block = _block_of(found, pk)
    return _block_page(request, found, block.kind, block)


@require_POST
def block_move(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("viz:dashboard-edit", args=[slug]))
    found = _editable(request, slug)
    block = _block_of(found, pk)
    step = {"haut": -1, "bas": 1}.get(request.POST.get("sens", ""))
    if step is not None:
        with transaction.atomic():
            order = list(found.blocks.select_for_update().order_by("position", "pk"))
            index = next(i for i, b in enumerate(order) if b.pk == block.pk)
            other = index + step
            if 0 <= other < len(order):
                order[index], order[other] = order[other], order[index]
                for position, item in enumerate(order):
                    if item.position != position:
                        Block.objects.filter(pk=item.pk).update(position=position)
                messages.success(request, _("Bloc déplacé."))
    return HttpResponseRedirect(_edit_url(found, f"bloc-{block.pk}"))


@require_http_methods(["GET", "POST"])
def block_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    found = _editable(request, slug)
    block = _block_of(found, pk)
    if request.method == "POST" and request.POST.get("confirmer") == "oui":
        block.delete()
        messages.success(request, _("Bloc supprimé."))
        return HttpResponseRedirect(_edit_url(found, "blocs"))
    return render(request, "viz/dashboard_delete.html", {"dashboard": found, "the_block": block})
