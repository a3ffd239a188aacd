"""Measuring the classifier on the held-out evaluation set (data/evaluation.csv), never used for training.

Training: the referential's own texts plus the confirmed demo actions (data/demo_actions.csv), exactly what a
fresh installation with the demo knows. ``territoria atlas_evaluate`` prints the table that docs/atlas.md quotes.
"""

from __future__ import annotations

import csv
from pathlib import Path

from territoria.atlas.classify import Classifier, Element, Example, evaluate

DATA = Path(__file__).resolve().parent / "data"


def read_elements(path: Path = DATA / "referentiel.csv") -> list[Element]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Element(
                code=row["code"],
                level=row["niveau"],
                label=row["libelle"],
                description=row.get("description", ""),
                keywords=tuple(k.strip() for k in row.get("mots_cles", "").split("|") if k.strip()),
                parent=row.get("parent", ""),
            )
            for row in csv.DictReader(handle)
        ]


def read_examples(path: Path, *, full: bool) -> list[Example]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    fields = ("titre", "resume", "description", "resultats", "outils") if full else ("titre", "resume")
    return [
        Example(
            text="\n".join(row.get(f, "") or "" for f in fields if row.get(f)),
            enjeu=row["enjeu"],
            services=tuple(s.strip() for s in row["services"].split("|") if s.strip()),
        )
        for row in rows
    ]


def run(with_demo: bool = True) -> dict[str, object]:
    elements = read_elements()
    training = read_examples(DATA / "demo_actions.csv", full=True) if with_demo else []
    cases = read_examples(DATA / "evaluation.csv", full=False)
    return evaluate(Classifier(elements, training), cases)
