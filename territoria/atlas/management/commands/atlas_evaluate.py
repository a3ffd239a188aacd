"""territoria atlas_evaluate: top-1 and top-3 accuracy of the classifier on the held-out evaluation set."""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand

from territoria.atlas import classify, evaluation


class Command(BaseCommand):
    help = "Mesure le classement automatique des fiches-actions sur le jeu d'évaluation tenu à part."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--json", action="store_true", help="résultat en JSON")
        parser.add_argument(
            "--cases",
            choices=["evaluation", "demo"],
            default="evaluation",
            help="fiches à classer : le jeu d'évaluation tenu à part (défaut), ou les fiches de démo (d'un autre "
            "auteur ; n'a de sens qu'avec --without-demo)",
        )
        parser.add_argument(
            "--without-demo", action="store_true", help="apprendre sur le seul référentiel, sans les fiches de démo"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        elements = evaluation.read_elements()
        training = (
            [] if options["without_demo"] else evaluation.read_examples(evaluation.DATA / "demo_actions.csv", full=True)
        )
        classifier = classify.Classifier(elements, training)
        fitted = time.perf_counter() - started
        if options["cases"] == "demo":
            cases = evaluation.read_examples(evaluation.DATA / "demo_actions.csv", full=False)
        else:
            cases = evaluation.read_examples(evaluation.DATA / "evaluation.csv", full=False)
        started = time.perf_counter()
        result = classify.evaluate(classifier, cases)
        per_case_ms = (time.perf_counter() - started) / max(1, len(cases)) * 1000
        result.update(fit_seconds=round(fitted, 2), ms_per_action=round(per_case_ms, 1), training_actions=len(training))
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=2, default=float))
            return
        labels = {e.code: e.label for e in elements}
        self.stdout.write(
            f"{result['cases']} fiches d'évaluation ; apprentissage : référentiel + {len(training)} fiches confirmées "
            f"({fitted:.1f} s) ; {per_case_ms:.1f} ms par fiche\n"
        )
        self.stdout.write("| enjeu | fiches | service top-1 | service top-3 | enjeu top-1 | enjeu top-3 |")
        self.stdout.write("|---|---|---|---|---|---|")
        for code, row in result["per_enjeu"].items():  # type: ignore[attr-defined]
            self.stdout.write(
                f"| {code} {labels.get(code, '')} | {row['cases']} | {row['service_top1']:.0%} | "
                f"{row['service_top3']:.0%} | {row['enjeu_top1']:.0%} | {row['enjeu_top3']:.0%} |"
            )
        self.stdout.write(
            f"| **ensemble** | {result['cases']} | {result['service_top1']:.1%} | {result['service_top3']:.1%} | "
            f"{result['enjeu_top1']:.1%} | {result['enjeu_top3']:.1%} |"
        )
