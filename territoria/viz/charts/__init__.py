"""The chart types: one module per type, found here at import. Adding a type is adding a module.

A module of this package that defines ``CHART``, an instance of a :class:`base.ChartType` subclass, is a
chart type: the builder's form offers it (ordered by ``order``), :mod:`territoria.viz.specs` plans its query
and draws its Vega-Lite specification. See docs/visualisation.md, « Ajouter un type de graphique ».
"""

from __future__ import annotations

import importlib
import pkgutil

from territoria.viz.charts.base import ChartType


def _discover() -> dict[str, ChartType]:
    found: list[ChartType] = []
    for module in pkgutil.iter_modules(__path__):
        if module.name == "base" or module.name.startswith("_"):
            continue
        chart = getattr(importlib.import_module(f"{__name__}.{module.name}"), "CHART", None)
        if isinstance(chart, ChartType):
            found.append(chart)
    found.sort(key=lambda c: (c.order, c.name))
    names = [c.name for c in found]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise RuntimeError(f"two chart types share a name: {sorted(duplicates)}")
    return {chart.name: chart for chart in found}


REGISTRY: dict[str, ChartType] = _discover()


def get(name: str) -> ChartType | None:
    return REGISTRY.get(name)
