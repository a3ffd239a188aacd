"""The Territoria side of the atlas benchmark, run with the project's Python inside the benchmark's data folder
(TERRITORIA_DATA_DIR / TERRITORIA_DATABASE_URL point at a migrated database holding the default referential).

Usage: python bench/atlas_load.py load N SEED                 the N generated actions (bench/atlas_data.py), fast
       python bench/atlas_load.py fit N SEED                  the production fit (every confirmed action), timed
       python bench/atlas_load.py classify N SEED K [SAMPLE]  fit once (on SAMPLE confirmed actions if given),
                                                              then time K proposals

``load``: each action gets the derived fields ``atlas.actions.place`` and ``Action.refresh_search_text`` compute
(called per action, without saving), the published state, its main enjeu and service, and its confirmed
classification (one enjeu, its services); then ``bulk_create`` in batches, one transaction, and ANALYZE as after
any bulk import. ``fit``: ``proposals.classifier`` fitted from scratch (the referential and every
confirmed action). ``classify``: ``proposals.propose_text`` (what the API and the submission form call) on K
actions' texts.
Each prints one line ``BENCH-JSON {…}``.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
BATCH = 2_000


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "territoria.settings")
    import django

    django.setup()


def load(n: int, seed: int) -> dict[str, Any]:
    import atlas_data
    from django.db import transaction

    from territoria.atlas import actions, referentials
    from territoria.atlas.models import Action, Classification
    from territoria.catalog.services import optimize_database

    referential = referentials.current()
    if referential is None:
        raise SystemExit("no current referential: run territoria migrate first")
    items = {i.code: i for i in referential.items.filter(level__in=["enjeu", "service"])}
    started = time.perf_counter()
    derive = write = 0.0
    counts = {"actions": 0, "classifications": 0}
    with transaction.atomic():
        batch: list[Action] = []
        classes: list[Classification] = []

        def flush() -> None:
            nonlocal write
            began = time.perf_counter()
            Action.objects.bulk_create(batch, batch_size=500)
            Classification.objects.bulk_create(classes, batch_size=2_000)
            write += time.perf_counter() - began
            counts["actions"] += len(batch)
            counts["classifications"] += len(classes)
            batch.clear()
            classes.clear()

        for g in atlas_data.generate(n, seed):
            began = time.perf_counter()
            missing = [c for c in (g.enjeu, *g.services) if c not in items]
            if missing:
                raise SystemExit(f"action {g.id}: codes not in the referential: {missing}")
            action = Action(
                pk=g.id,
                referential=referential,
                title=g.title,
                summary=g.summary,
                description=g.description,
                results=g.results,
                recommendations=g.recommendations,
                tools=g.tools,
                status=g.status,
                start_date=g.start_date,
                end_date=g.end_date,
                collectivite=g.collectivite,
                territory_type=g.territory_type,
                insee=g.insee,
                population=g.population,
                contact_service=g.contact_service,
                state=Action.State.PUBLISHED,
                main_enjeu=g.enjeu,
                main_service=g.services[0] if g.services else "",
                # the denormalised codes that actions.save() keeps (filters and facets read them)
                codes=" " + " ".join([f"e:{g.enjeu}", *(f"s:{code}" for code in dict.fromkeys(g.services))]) + " ",
            )
            actions.place(action)
            action.refresh_search_text()
            batch.append(action)
            codes = [("enjeu", g.enjeu)] + [("service", code) for code in g.services]
            ranks: dict[str, int] = {}
            for level, code in codes:
                rank = ranks[level] = ranks.get(level, -1) + 1
                classes.append(
                    Classification(
                        action_id=g.id, item=items[code], level=level, source=Classification.Source.CONFIRMED, rank=rank
                    )
                )
            derive += time.perf_counter() - began
            if len(batch) == BATCH:
                flush()
        if batch:
            flush()
        # as proposals.confirm() does: fitted classifiers know they are out of date
        type(referential).objects.filter(pk=referential.pk).update(confirmations=counts["actions"])
    began = time.perf_counter()
    optimize_database()
    analyze = time.perf_counter() - began
    return {
        **counts,
        "seconds": round(time.perf_counter() - started, 2),
        "derive_seconds": round(derive, 2),
        "write_seconds": round(write, 2),
        "analyze_seconds": round(analyze, 2),
        "placements": dict(_count(Action, "placement")),
        "warnings": Action.objects.exclude(location_warning="").count(),
    }


def _count(model: Any, column: str) -> list[tuple[str, int]]:
    from django.db.models import Count

    return [(r[column], r["n"]) for r in model.objects.values(column).annotate(n=Count("pk")).order_by(column)]


def fit(_n: int, _seed: int) -> dict[str, Any]:
    """The production fit: ``proposals.classifier`` on the referential and every confirmed action."""
    from territoria.atlas import proposals, referentials

    referential = referentials.current()
    assert referential is not None
    examples = len(proposals.confirmed_examples(referential))
    proposals.forget()
    began = time.perf_counter()
    proposals.classifier(referential)  # nothing fitted yet: fitted now, in this thread
    return {"fit_seconds": round(time.perf_counter() - began, 2), "examples": examples, "rss_mib": _rss_mib()}


def _rss_mib() -> float:
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def classify(n: int, seed: int, k: int, sample: int) -> dict[str, Any]:
    """Time ``proposals.propose_text`` on ``k`` actions' texts.

    With ``sample`` = 0 the model is the production one (``proposals.classifier``: every confirmed action). With
    ``sample`` > 0 it is fitted on the referential and ``sample`` confirmed actions (every n/sample-th), then kept
    as the referential's current model (``proposals._fitted``, what a finished fit stores), so that
    ``propose_text`` runs its production path unchanged: the signature query over the whole database, the kept
    model, ``Classifier.propose``."""
    from territoria.atlas import proposals, referentials
    from territoria.atlas.classify import Classifier
    from territoria.atlas.models import Action

    referential = referentials.current()
    assert referential is not None
    proposals.forget()
    began = time.perf_counter()
    if sample:
        examples = proposals.confirmed_examples(referential)
        kept = examples[:: max(1, len(examples) // sample)][:sample]
        fitted = Classifier(proposals.elements(referential), kept)
        with proposals._lock:
            proposals._fitted[referential.pk] = (proposals._signature(referential), fitted)
    else:
        fitted = proposals.classifier(referential)
        kept = []
    fit_seconds = time.perf_counter() - began
    step = max(1, n // k)
    ids = list(range(1 + step // 2, n + 1, step))[:k]  # spread over the table, not those a sample kept
    found = {a.pk: a for a in Action.objects.filter(pk__in=ids)}
    texts = [(found[pk].text(), found[pk].main_enjeu, found[pk].main_service) for pk in ids]
    proposals.propose_text(referential, texts[0][0])  # warm-up: first call of each code path
    full, model = [], []
    hits = {"enjeu_top1": 0, "service_top1": 0}
    for text, enjeu, service in texts:
        began = time.perf_counter()
        proposal = proposals.propose_text(referential, text)
        full.append((time.perf_counter() - began) * 1000)
        began = time.perf_counter()
        fitted.propose(text, top=proposals.PROPOSED_SERVICES)
        model.append((time.perf_counter() - began) * 1000)
        hits["enjeu_top1"] += bool(proposal.enjeux) and proposal.enjeux[0].code == enjeu
        hits["service_top1"] += bool(proposal.services) and proposal.services[0].code == service

    def summary(samples: list[float]) -> dict[str, Any]:
        return {
            "median_ms": statistics.median(samples),
            "p95_ms": statistics.quantiles(samples, n=20, method="inclusive")[-1],
            "max_ms": max(samples),
            "samples_ms": [round(s, 3) for s in samples],
        }

    return {
        "model": "sample" if sample else "production",
        "fit_seconds": round(fit_seconds, 2),
        "fit_examples": len(kept) if sample else None,
        "texts": len(texts),
        "mean_chars": round(statistics.mean(len(t[0]) for t in texts)),
        "propose_text": summary(full),
        "model_only": summary(model),
        "top1": {key: value / len(texts) for key, value in hits.items()},
        "rss_mib": _rss_mib(),
    }


def main(argv: list[str]) -> None:
    if len(argv) < 3 or argv[0] not in ("load", "fit", "classify"):
        sys.exit(__doc__)
    _setup()
    if argv[0] == "load":
        result = load(int(argv[1]), int(argv[2]))
    elif argv[0] == "fit":
        result = fit(int(argv[1]), int(argv[2]))
    else:
        result = classify(int(argv[1]), int(argv[2]), int(argv[3]), int(argv[4]) if len(argv) > 4 else 0)
    print("BENCH-JSON " + json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
