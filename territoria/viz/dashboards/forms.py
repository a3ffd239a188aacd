"""Editing forms of dashboards and of their blocks, one form per kind of block. Server-rendered: no JavaScript.

A data block is made in two steps: first its dataset (a GET form, so the address says which one), then the
settings of its kind, whose choices are the columns of that dataset's published version.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from territoria.access import services as access
from territoria.accounts.services import AnyUser, Organisation, organisations
from territoria.catalog.models import Version
from territoria.viz import data, specs
from territoria.viz.charts.base import (
    AGGREGATIONS,
    DATE_TYPES,
    NUMERIC_TYPES,
    ChartConfig,
    Columns,
)
from territoria.viz.dashboards import kpi as kpis
from territoria.viz.dashboards.filters import FILTERS
from territoria.viz.forms import ChartForm, _choices
from territoria.viz.models import Block, Dashboard, DashboardVisibility

RESERVED_SLUGS = {"nouveau"}
WIDTHS = [
    (1, _("Un quart de la largeur")),
    (2, _("La moitié")),
    (3, _("Trois quarts")),
    (4, _("Toute la largeur")),
]
FILTER_FIELD = "filtre_%s"
TABLE_LIMIT_MAX = 100


class DashboardForm(forms.ModelForm):
    """Title, presentation, visibility, publication and page-level filters of a dashboard."""

    is_published = forms.BooleanField(
        label=_("Publié"),
        required=False,
        help_text=_("Un tableau de bord non publié n'est visible que des éditeurs de son organisation."),
    )

    class Meta:
        model = Dashboard
        fields = ["title", "description", "visibility"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "description": _("Texte d'introduction, en Markdown (titres, listes, liens, gras…)."),
            "visibility": _(
                "Qui peut voir ce tableau de bord. Chaque bloc obéit en plus aux droits de ses données : "
                "un bloc sur des données que la personne ne peut pas lire affiche « Données réservées »."
            ),
        }

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["visibility"].choices = DashboardVisibility.choices  # type: ignore[attr-defined]
        self.fields["is_published"].initial = self.instance.published is not None
        settings = self.instance.filters or {}
        for key, (_param, default, _types) in FILTERS.items():
            name = FILTER_FIELD % key
            self.fields[name] = forms.CharField(
                label=_("Filtre « %(name)s » : libellé") % {"name": default},
                max_length=60,
                required=False,
                help_text=_("Vide : pas de filtre. Par exemple « %(example)s ».")
                % {"example": {"territory": _("Commune"), "period": _("Année"), "theme": _("Nature de l'aide")}[key]},
            )
            entry = settings.get(key)
            if isinstance(entry, dict):
                self.fields[name].initial = entry.get("label") or str(default)
        if self.instance.pk is None:
            editable = access.editable_organisations(user)
            queryset = organisations().order_by("name")
            if editable is not None:
                queryset = queryset.filter(pk__in=editable)
            self.fields["organisation"] = forms.ModelChoiceField(
                label=_("Organisation"), queryset=queryset, empty_label=None
            )
            self.fields["slug"] = forms.SlugField(
                label=_("Identifiant dans l'adresse"),
                max_length=100,
                required=False,
                help_text=_("Lettres, chiffres et tirets ; vide : tiré du titre. Il ne change plus ensuite."),
            )
            self.order_fields(["organisation", "title", "slug"])

    def clean_slug(self) -> str:
        slug = self.cleaned_data.get("slug") or ""
        if slug and (slug in RESERVED_SLUGS or Dashboard.objects.filter(slug=slug).exists()):
            raise ValidationError(_("Cet identifiant est déjà pris."))
        return slug

    def filter_settings(self) -> dict[str, dict[str, str]]:
        out = {}
        for key in FILTERS:
            label = (self.cleaned_data.get(FILTER_FIELD % key) or "").strip()
            if label:
                out[key] = {"label": label}
        return out

    def save(self, commit: bool = True) -> Dashboard:
        dashboard: Dashboard = super().save(commit=False)
        dashboard.filters = self.filter_settings()
        dashboard.modified = timezone.now()
        if self.cleaned_data.get("is_published"):
            dashboard.published = dashboard.published or timezone.now()
        else:
            dashboard.published = None
        if dashboard.pk is None:
            organisation: Organisation = self.cleaned_data["organisation"]
            dashboard.organisation = organisation
            dashboard.created_by_id = self.user.pk
            dashboard.slug = self.cleaned_data.get("slug") or unique_slug(dashboard.title)
        if commit:
            dashboard.save()
        return dashboard


def unique_slug(title: str) -> str:
    ligatures = title.replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae").replace("Æ", "Ae")
    base = (slugify(ligatures) or "tableau-de-bord")[:90]
    slug, n = base, 1
    while slug in RESERVED_SLUGS or Dashboard.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


# --- blocks -------------------------------------------------------------------------------------------------


class DatasetChoiceForm(forms.Form):
    """Step one of a data block: which dataset (among those the editor may read, with published data)."""

    jeu = forms.ChoiceField(label=_("Jeu de données"))

    def __init__(self, *args: Any, datasets: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["jeu"].choices = [("", _("— choisir —")), *datasets]  # type: ignore[attr-defined]


class BlockForm(forms.Form):
    """What every block has: a title and a width; data blocks also map the page's filters to their columns."""

    title = forms.CharField(label=_("Titre du bloc"), max_length=200, required=False)
    width = forms.TypedChoiceField(label=_("Largeur"), choices=WIDTHS, coerce=int, initial=2)
    kind: str = ""
    title_required = False

    def __init__(
        self,
        *args: Any,
        columns: Columns | None = None,
        version: Version | None = None,
        page_filters: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.columns: Columns = columns or {}
        self.version = version
        self.fields["title"].required = self.title_required
        if not self.title_required:
            self.fields["title"].help_text = _("Facultatif : vide, un titre est tiré des réglages.")
        for key, label in (page_filters or {}).items():
            types = FILTERS[key][2]
            field = forms.ChoiceField(
                label=_("Colonne filtrée par « %(label)s »") % {"label": label},
                choices=_choices(self.columns, types, _("— ne pas filtrer ce bloc —")),
                required=False,
            )
            self.fields[FILTER_FIELD % key] = field

    def check_where(self, name: str = "where") -> None:
        where = self.cleaned_data.get(name) or ""
        if where and self.version is not None:
            try:
                data.check(self.version, data.Query(where=where))
            except data.QueryFailed as failed:
                self.add_error(name, failed.message)

    def filter_mapping(self) -> dict[str, str]:
        out = {}
        for key in FILTERS:
            value = self.cleaned_data.get(FILTER_FIELD % key)
            if value:
                out[key] = value
        return out

    def settings(self) -> dict[str, Any]:
        """The kind's settings (stored in Block.config beside ``dataset`` and ``filters``)."""
        return {}

    @classmethod
    def initial_from(cls, block: Block) -> dict[str, Any]:
        initial: dict[str, Any] = {"title": block.title, "width": block.width}
        for key, column in (block.config.get("filters") or {}).items():
            initial[FILTER_FIELD % key] = column
        return initial


WHERE_HELP = _('Facultatif, en ODSQL comme dans l\'API : annee >= 2020 and nature = "aide en numéraire"')


class TextBlockForm(BlockForm):
    kind = Block.Kind.TEXT
    title_required = False
    text = forms.CharField(
        label=_("Texte (Markdown)"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=10_000,
        help_text=_("Titres (## …), listes, liens, gras : le HTML brut est retiré."),
    )

    def settings(self) -> dict[str, Any]:
        return {"text": self.cleaned_data["text"]}

    @classmethod
    def initial_from(cls, block: Block) -> dict[str, Any]:
        return {**super().initial_from(block), "text": block.config.get("text", "")}


class KpiBlockForm(BlockForm):
    kind = Block.Kind.KPI
    aggregation = forms.ChoiceField(label=_("Calcul"), choices=list(AGGREGATIONS.items()), initial="count")
    column = forms.ChoiceField(label=_("Colonne calculée (numérique)"), required=False)
    unit = forms.CharField(
        label=_("Unité affichée"), max_length=20, required=False, help_text=_("Par exemple €, places, km.")
    )
    compare = forms.ChoiceField(label=_("Comparer à la période précédente"), choices=(), required=False)
    date_column = forms.ChoiceField(label=_("Colonne des dates (pour la comparaison)"), required=False)
    where = forms.CharField(label=_("Filtre des lignes"), max_length=2000, required=False, help_text=WHERE_HELP)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["column"].choices = _choices(self.columns, NUMERIC_TYPES, _("— aucune (nombre de lignes) —"))  # type: ignore[attr-defined]
        self.fields["compare"].choices = list(kpis.COMPARISONS.items())  # type: ignore[attr-defined]
        self.fields["date_column"].choices = _choices(self.columns, DATE_TYPES, _("— aucune —"))  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, message in self.config().validate(self.columns).items():
            if name not in self.errors:
                self.add_error(name if name in self.fields else None, message)
        self.check_where()
        return cleaned

    def config(self) -> kpis.KpiConfig:
        return kpis.KpiConfig.from_mapping({k: v for k, v in self.cleaned_data.items() if isinstance(v, str)})

    def settings(self) -> dict[str, Any]:
        return self.config().as_dict()

    @classmethod
    def initial_from(cls, block: Block) -> dict[str, Any]:
        return {**super().initial_from(block), **kpis.KpiConfig.from_mapping(block.config).as_dict()}


class ChartBlockForm(BlockForm):
    """The chart builder's settings (same choices, same checks), without its title: the block's is used."""

    kind = Block.Kind.CHART

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        builder = ChartForm(columns=self.columns)
        for name, field in builder.fields.items():
            if name != "title":
                self.fields[name] = field
        self.fields["where"].label = _("Filtre des lignes")
        self.fields["where"].help_text = WHERE_HELP
        self.order_fields(["title", "width", "type", "x", "date_unit", "aggregation", "y", "color", "where"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors:
            _chart, errors = specs.validate(self.config(), self.columns)
            for name, message in errors.items():
                self.add_error(name if name in self.fields else None, message)
        self.check_where()
        return cleaned

    def config(self) -> ChartConfig:
        values = {k: v for k, v in self.cleaned_data.items() if isinstance(v, str) and k != "title"}
        values["aggregation"] = values.get("aggregation") or "count"
        values["date_unit"] = values.get("date_unit") or "month"
        return ChartConfig.from_mapping(values)

    def settings(self) -> dict[str, Any]:
        return {"chart": self.config().as_dict()}

    @classmethod
    def initial_from(cls, block: Block) -> dict[str, Any]:
        return {**super().initial_from(block), **(block.config.get("chart") or {})}


class MapBlockForm(BlockForm):
    kind = Block.Kind.MAP
    value = forms.ChoiceField(
        label=_("Colorer les formes selon"),
        required=False,
        help_text=_("Pour des formes (communes, quartiers…) : une colonne numérique, en cinq classes."),
    )
    where = forms.CharField(label=_("Filtre des lignes"), max_length=2000, required=False, help_text=WHERE_HELP)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["value"].choices = _choices(self.columns, NUMERIC_TYPES, _("— une seule couleur —"))  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        info = (self.version.geo if self.version else None) or {}
        if self.version is not None and not info.get("point_column"):
            raise ValidationError(_("Ces données n'ont pas de colonne géographique : choisissez un autre jeu."))
        self.check_where()
        return cleaned

    def settings(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in ("value", "where") if self.cleaned_data.get(k)}

    @classmethod
    def initial_from(cls, block: Block) -> dict[str, Any]:
        return {**super().initial_from(block), **{k: block.config.get(k, "") for k in ("value", "where")}}


class TableBlockForm(BlockForm):
    kind = Block.Kind.TABLE
    columns_shown = forms.MultipleChoiceField(
        label=_("Colonnes affichées"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Aucune cochée : les cinq premières."),
    )
    sort = forms.ChoiceField(label=_("Trier par"), required=False)
    descending = forms.BooleanField(label=_("Ordre décroissant"), required=False)
    limit = forms.IntegerField(label=_("Nombre de lignes"), min_value=1, max_value=TABLE_LIMIT_MAX, initial=10)
    where = forms.CharField(label=_("Filtre des lignes"), max_length=2000, required=False, help_text=WHERE_HELP)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plain = {c.type for c in self.columns.values()} - data.GEO_TYPES
        self.fields["columns_shown"].choices = _choices(self.columns, plain)  # type: ignore[attr-defined]
        self.fields["sort"].choices = _choices(self.columns, plain, _("— ordre du fichier —"))  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.check_where()
        return cleaned

    def settings(self) -> dict[str, Any]:
        out: dict[str, Any] = {"columns": list(self.cleaned_data.get("columns_shown") or [])}
        if self.cleaned_data.get("sort"):
            out["sort"] = self.cleaned_data["sort"]
            out["descending"] = bool(self.cleaned_data.get("descending"))
        out["limit"] = self.cleaned_data.get("limit") or 10
        if self.cleaned_data.get("where"):
            out["where"] = self.cleaned_data["where"]
        return out

    @classmethod
    def initial_from(cls, block: Block) -> dict[str, Any]:
        config = block.config
        return {
            **super().initial_from(block),
            "columns_shown": config.get("columns") or [],
            "sort": config.get("sort", ""),
            "descending": bool(config.get("descending")),
            "limit": config.get("limit", 10),
            "where": config.get("where", ""),
        }


FORMS: dict[str, type[BlockForm]] = {
    form.kind: form for form in (KpiBlockForm, ChartBlockForm, MapBlockForm, TableBlockForm, TextBlockForm)
}
