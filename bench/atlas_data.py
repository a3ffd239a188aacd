"""Seeded generator of realistic fiches-actions for the atlas benchmark (bench/atlas_bench.py).

Each action recombines the demo actions shipped with Territoria (territoria/atlas/data/demo_actions.csv): the
title, enjeu and services of one of them, a summary and description sentences drawn from actions of the same
enjeu (so the text still matches its classification), set in a real commune of territoria/atlas/data/communes.csv
with a status, a start year and a population. Framework-free: the benchmark reads it to build Datasette's table and
the answers every query must give; bench/atlas_load.py reads it (same seed, same actions) to load Territoria.

The derived fields (département, coordinates, population band, year) are computed here from the commune table,
independently of ``territoria.atlas.actions.place``: the benchmark checks that both peers answer what the generator
knows to be true.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "territoria" / "atlas" / "data"
# The population bands of the atlas (territoria/atlas/communes.py), restated so that the check is independent.
BANDS = [
    (0, 500, "lt500"),
    (500, 2_000, "500-2k"),
    (2_000, 10_000, "2k-10k"),
    (10_000, 50_000, "10k-50k"),
    (50_000, 200_000, "50k-200k"),
    (200_000, 10**9, "200k+"),
]
STATUSES = (("done", 0.55), ("in_progress", 0.3), ("planned", 0.15))
TERRITORIES = (("commune", 0.72), ("epci", 0.2), ("syndicat", 0.04), ("departement", 0.04))
FIRST_YEAR, LAST_YEAR = 2012, 2025


@dataclass(frozen=True)
class Commune:
    insee: str
    name: str
    departement: str
    population: int | None
    lat: float
    lon: float


@dataclass(frozen=True)
class Action:
    id: int
    title: str
    summary: str
    description: str
    results: str
    recommendations: str
    tools: str
    status: str
    start_date: dt.date
    end_date: dt.date | None
    collectivite: str
    territory_type: str
    insee: str
    population: int
    contact_service: str
    enjeu: str
    services: tuple[str, ...]
    # Derived from the commune, as the atlas places an action without coordinates.
    commune: str
    departement: str
    lat: float
    lon: float

    @property
    def year(self) -> int:
        return self.start_date.year

    @property
    def population_band(self) -> str:
        return band(self.population)

    def search_fields(self) -> tuple[str, ...]:
        """The texts the atlas search reads (Action.text() plus collectivité, commune and contact service)."""
        return (
            self.title,
            self.summary,
            self.description,
            self.results,
            self.tools,
            self.collectivite,
            self.commune,
            self.contact_service,
        )


def band(population: int | None) -> str:
    if population is None:
        return ""
    return next((code for low, high, code in BANDS if low <= population < high), "")


def demo_rows() -> list[dict[str, str]]:
    with (DATA / "demo_actions.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def communes() -> list[Commune]:
    with (DATA / "communes.csv").open(encoding="utf-8", newline="") as handle:
        return [
            Commune(
                r["insee"],
                r["nom"],
                r["departement"],
                int(r["population"]) if r["population"] else None,
                float(r["lat"]),
                float(r["lon"]),
            )
            for r in csv.DictReader(handle)
        ]


def _sentences(text: str) -> list[str]:
    parts, current = [], ""
    for piece in text.replace("! ", "!\n").replace("? ", "?\n").replace(". ", ".\n").split("\n"):
        current = f"{current} {piece}".strip() if current and len(current) < 25 else piece.strip()
        if len(current) >= 25:
            parts.append(current)
            current = ""
    if current:
        parts.append(current)
    return parts


def _pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([v for v, _w in weighted], [w for _v, w in weighted])[0]


def _collectivite(rng: random.Random, kind: str, commune: Commune) -> str:
    if kind == "epci":
        return rng.choice(("Communauté de communes", "Communauté d'agglomération", "Métropole")) + f" de {commune.name}"
    if kind == "syndicat":
        return f"Syndicat intercommunal du numérique de {commune.name}"
    if kind == "departement":
        return f"Conseil départemental ({commune.departement})"
    return rng.choice(("Ville de", "Commune de", "Mairie de")) + f" {commune.name}"


def generate(n: int, seed: int = 42) -> Iterator[Action]:
    """``n`` actions, ids 1 … n, always the same for the same ``seed``."""
    rng = random.Random(seed)
    rows = demo_rows()
    by_enjeu: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_enjeu.setdefault(row["enjeu"], []).append(row)
    places = communes()
    sentences = {id(row): _sentences(row["description"]) for row in rows}
    for index in range(1, n + 1):
        base = rng.choice(rows)
        kin = by_enjeu[base["enjeu"]]
        other = rng.choice(kin)
        # The base's description with one or two sentences of another action of the same enjeu, in a new order.
        picked = list(sentences[id(base)])
        extra = sentences[id(other)]
        if extra and other is not base:
            picked += rng.sample(extra, k=min(len(extra), rng.randint(1, 2)))
        head, tail = picked[:1], picked[1:]
        rng.shuffle(tail)
        commune = rng.choice(places)
        kind = _pick(rng, TERRITORIES)
        population = commune.population
        if population is None:  # most communes of the table have none: a plausible one, log-uniform
            population = int(math.exp(rng.uniform(math.log(200), math.log(60_000))))
        year = rng.randint(FIRST_YEAR, LAST_YEAR)
        start = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
        status = _pick(rng, STATUSES)
        end = start + dt.timedelta(days=rng.randint(60, 900)) if status == "done" else None
        services = tuple(dict.fromkeys(s for s in base["services"].split("|") if s))
        yield Action(
            id=index,
            title=base["titre"][:200],
            summary=rng.choice((base, other))["resume"],
            description=" ".join(head + tail),
            results=rng.choice((base["resultats"], other["resultats"], "")),
            recommendations=base["recommandations"],
            tools=base["outils"],
            status=status,
            start_date=start,
            end_date=end,
            collectivite=_collectivite(rng, kind, commune)[:200],
            territory_type=kind,
            insee=commune.insee,
            population=population,
            contact_service=base["contact_service"],
            enjeu=base["enjeu"],
            services=services,
            commune=commune.name,
            departement=commune.departement,
            lat=commune.lat,
            lon=commune.lon,
        )
