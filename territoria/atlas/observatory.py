"""The observatory: counts of published actions by enjeu, service, département, year, status and territory type,
with Vega-Lite bar charts whose numbers are also given as tables (drawn by the viz part's chart script)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from territoria.accounts.services import AnyUser
from territoria.atlas import communes, explore, referentials
from territoria.atlas.models import Action, Item

TOP_SERVICES = 20


@dataclass
class Drawn:
    """What viz/_chart.html draws: a spec, a sentence, and the same numbers as a table."""

    key: str
    title: str
    description: str
    headers: list[str]
    table: list[list[Any]]
    spec: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=lambda: {"truncated": False})


def _bar(title: str, rows: list[list[Any]], *, horizontal: bool = True, x: str = "", y: str = "") -> dict[str, Any]:
    values = [{"label": str(r[0]), "n": r[1]} for r in rows]
    label_axis = {"field": "label", "type": "nominal", "title": y, "sort": None if not horizontal else "-x"}
    count_axis = {"field": "n", "type": "quantitative", "title": x}
    encoding = (
        {"y": label_axis, "x": count_axis} if horizontal else {"x": {**label_axis, "sort": None}, "y": count_axis}
    )
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": title,
        "width": "container",
        "height": max(160, 22 * len(values)) if horizontal else 260,
        "data": {"values": values},
        "mark": {"type": "bar", "color": "#0b4f8a", "tooltip": True},
        "encoding": encoding,
    }


def figures(user: AnyUser, filters: explore.Filters) -> dict[str, Any]:
    queryset = explore.search(user, filters)
    total, tallies = explore.counts(queryset)  # one pass over the selection
    referential = referentials.current()
    labels = dict(Item.objects.filter(referential=referential).values_list("code", "label")) if referential else {}

    def ranked(name: str) -> list[tuple[str, int]]:
        return sorted(tallies[name].items(), key=lambda item: (-item[1], item[0]))

    names = communes.departement_names()
    statuses = dict(Action.Status.choices)
    kinds = dict(Action.TerritoryType.choices)
    services = [[code, labels.get(code, code), n] for code, n in ranked("service")]
    return {
        "total": total,
        "collectivites": queryset.values("collectivite").distinct().count(),
        "communes": queryset.exclude(insee="").values("insee").distinct().count(),
        "enjeux": [[code, labels.get(code, code), n] for code, n in ranked("enjeu")],
        "services": services[:TOP_SERVICES],
        "services_total": len(services),
        "departements": [[code, names.get(code, code), n] for code, n in ranked("departement")],
        "years": sorted([int(year), n] for year, n in tallies["annee"].items()),
        "status": [[str(statuses.get(code, code)), n] for code, n in ranked("statut")],
        "territory": [[str(kinds.get(code, code)), n] for code, n in ranked("territoire")],
    }


def charts(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Specs only (for the JSON API)."""
    return [d.spec for d in drawn(data)]


def drawn(data: dict[str, Any]) -> list[Drawn]:
    n = _("Actions")
    result = []
    specs = [
        ("enjeux", _("Actions par enjeu"), [[f"{c} {label}", v] for c, label, v in data["enjeux"]], True, _("Enjeu")),
        (
            "services",
            _("Les %s services les plus cités") % TOP_SERVICES,
            [[f"{c} {label}", v] for c, label, v in data["services"]],
            True,
            _("Service"),
        ),
        (
            "departements",
            _("Actions par département"),
            [[f"{c} {label}", v] for c, label, v in data["departements"][:30]],
            True,
            _("Département"),
        ),
        ("years", _("Actions par année de début"), [[str(y), v] for y, v in data["years"]], False, _("Année")),
        ("status", _("Actions par avancement"), data["status"], True, _("Avancement")),
    ]
    for key, title, rows, horizontal, axis in specs:
        if not rows:
            continue
        top = max(rows, key=lambda r: r[1])
        description = _("%(title)s : %(count)s valeurs ; la plus fréquente est « %(top)s » (%(n)s actions).") % {
            "title": title,
            "count": len(rows),
            "top": top[0],
            "n": top[1],
        }
        result.append(
            Drawn(
                key=key,
                title=title,
                description=description,
                headers=[axis, n],
                table=rows,
                spec=_bar(title, rows, horizontal=horizontal, x=n, y=axis),
            )
        )
    return result
