"""The chart builder's form: its choices come from the columns of the published version."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from territoria.viz import charts
from territoria.viz.charts.base import (
    AGGREGATIONS,
    CATEGORY_TYPES,
    DATE_UNITS,
    NUMERIC_TYPES,
    PLOTTABLE_TYPES,
    ChartConfig,
    Columns,
)


def _choices(columns: Columns, types: frozenset[str] | set[str], empty: Any = None) -> list[tuple[str, Any]]:
    choices: list[tuple[str, Any]] = [("", empty)] if empty else []
    for c in columns.values():
        if c.type in types:
            same = c.label.lower().replace(" ", "_") == c.name.lower()
            choices.append((c.name, c.label if same else f"{c.label} ({c.name})"))
    return choices


class ChartForm(forms.Form):
    type = forms.ChoiceField(label=_("Type de graphique"), choices=())
    x = forms.ChoiceField(label=_("Axe horizontal (catégories ou dates)"), choices=())
    aggregation = forms.ChoiceField(
        label=_("Calcul"), choices=[(k, v) for k, v in AGGREGATIONS.items()], initial="count", required=False
    )
    y = forms.ChoiceField(label=_("Valeur (colonne numérique)"), choices=(), required=False)
    color = forms.ChoiceField(label=_("Couleur par groupe"), choices=(), required=False)
    date_unit = forms.ChoiceField(
        label=_("Regrouper les dates par"), choices=list(DATE_UNITS.items()), initial="month", required=False
    )
    title = forms.CharField(label=_("Titre"), max_length=200, required=False)
    where = forms.CharField(
        label=_("Filtre (ODSQL, facultatif)"),
        max_length=2000,
        required=False,
        help_text=_('Par exemple : annee >= 2020 and nature = "aide en numéraire"'),
    )

    def __init__(self, *args: Any, columns: Columns, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound:  # an address without them means the defaults, and the form shows those
            data = self.data.copy()  # type: ignore[attr-defined]  # a QueryDict, or a dict in tests
            for key, default in (("aggregation", "count"), ("date_unit", "month")):
                if not data.get(key):
                    data[key] = default
            self.data = data
        self.columns = columns
        self.fields["type"].choices = [(c.name, c.label) for c in charts.REGISTRY.values()]  # type: ignore[attr-defined]
        self.fields["x"].choices = _choices(columns, PLOTTABLE_TYPES)  # type: ignore[attr-defined]
        self.fields["y"].choices = _choices(columns, NUMERIC_TYPES, _("— aucune (nombre de lignes) —"))  # type: ignore[attr-defined]
        self.fields["color"].choices = _choices(columns, CATEGORY_TYPES, _("— aucune —"))  # type: ignore[attr-defined]

    def config(self) -> ChartConfig:
        values = {k: v for k, v in self.cleaned_data.items() if isinstance(v, str)}
        values.setdefault("aggregation", "count")
        return ChartConfig.from_mapping(
            {
                **values,
                "aggregation": values.get("aggregation") or "count",
                "date_unit": values.get("date_unit") or "month",
            }
        )


class SaveChartForm(forms.Form):
    title = forms.CharField(label=_("Titre du graphique"), max_length=200)
