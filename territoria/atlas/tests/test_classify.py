"""The classifier alone (no database): what it learns from a referential and from confirmed actions."""

from __future__ import annotations

import pytest

from territoria.atlas import classify, evaluation
from territoria.atlas.classify import Classifier, Element, Example

SMALL = [
    Element("A1", "axe", "Services aux habitants"),
    Element("E01", "enjeu", "Éducation", "Les écoles et la jeunesse.", ("école", "élèves"), "A1"),
    Element("E02", "enjeu", "Mobilité", "Se déplacer sur le territoire.", ("transport", "vélo"), "A1"),
    Element("E01-U1", "usage", "École numérique", "", (), "E01"),
    Element("E02-U1", "usage", "Déplacements", "", (), "E02"),
    Element(
        "S1",
        "service",
        "Tablettes à l'école",
        "Des tablettes et des tableaux numériques dans les classes.",
        ("tablettes", "TNI", "classe"),
        "E01-U1",
    ),
    Element(
        "S2",
        "service",
        "Espace numérique de travail",
        "L'ENT relie les familles, les élèves et les enseignants.",
        ("ENT", "cahier de textes", "Pronote"),
        "E01-U1",
    ),
    Element(
        "S3",
        "service",
        "Vélos en libre-service",
        "Des stations de vélos partagés en ville.",
        ("vélos partagés", "station", "libre-service"),
        "E02-U1",
    ),
    Element(
        "S4",
        "service",
        "Covoiturage",
        "Une plateforme de covoiturage domicile-travail.",
        ("covoiturage", "trajets", "autopartage"),
        "E02-U1",
    ),
]


def test_it_ranks_the_service_whose_words_the_text_uses():
    proposal = Classifier(SMALL).propose("Nos élèves de CM2 ont reçu des tablettes et chaque classe un TNI")
    assert proposal.services[0].code == "S1"
    assert proposal.enjeux[0].code == "E01"
    confidences = [g.confidence for g in proposal.services]
    assert confidences == sorted(confidences, reverse=True)


def test_accents_case_and_word_forms_do_not_matter():
    proposal = Classifier(SMALL).propose("STATIONS DE VELOS PARTAGES")
    assert proposal.services[0].code == "S3"


def test_confidences_are_between_zero_and_one_and_sum_to_one_over_all_services():
    proposal = Classifier(SMALL).propose("covoiturage", top=10)
    assert all(0 <= g.confidence <= 1 for g in proposal.services)
    assert sum(g.confidence for g in proposal.services) == pytest.approx(1.0, abs=1e-3)
    assert len(proposal.services) == 4


def test_confirmed_actions_teach_words_the_referential_does_not_have():
    text = "Le Pedibus numérique : inscription des accompagnateurs en ligne"
    before = Classifier(SMALL).propose(text)
    examples = [
        Example("Pedibus : les parents s'inscrivent en ligne pour accompagner", "E02", ("S4",)),
        Example("Pedibus et trajets partagés vers l'école", "E02", ("S4",)),
    ]
    after = Classifier(SMALL, examples).propose(text)
    assert before.services[0].code != "S4"
    assert after.services[0].code == "S4"


def test_a_referential_without_services_is_refused():
    with pytest.raises(ValueError):
        Classifier([e for e in SMALL if e.level != "service"])


def test_evaluate_counts_hits_per_enjeu():
    classifier = Classifier(SMALL)
    cases = [
        Example("tablettes dans chaque classe", "E01", ("S1",)),
        Example("stations de vélos en libre-service", "E02", ("S3",)),
        Example("tablettes dans chaque classe", "E02", ("S4",)),  # deliberately mislabelled: a miss
    ]
    result = classify.evaluate(classifier, cases)
    assert result["cases"] == 3
    assert result["service_top1"] == pytest.approx(2 / 3)
    assert result["per_enjeu"]["E01"]["cases"] == 1
    assert result["per_enjeu"]["E02"]["service_top1"] == pytest.approx(0.5)


def test_the_shipped_files_are_consistent():
    elements = {e.code: e for e in evaluation.read_elements()}
    assert sum(e.level == "enjeu" for e in elements.values()) == 16
    assert sum(e.level == "service" for e in elements.values()) == 138
    for path in (evaluation.DATA / "evaluation.csv", evaluation.DATA / "demo_actions.csv"):
        cases = evaluation.read_examples(path, full=False)
        assert len(cases) >= 200
        for case in cases:
            assert elements[case.enjeu].level == "enjeu", case
            assert case.services and all(elements[s].level == "service" for s in case.services), case


def test_the_evaluation_set_is_kept_apart_from_the_training_actions():
    held_out = {e.text.split("\n")[0] for e in evaluation.read_examples(evaluation.DATA / "evaluation.csv", full=False)}
    training = {
        e.text.split("\n")[0] for e in evaluation.read_examples(evaluation.DATA / "demo_actions.csv", full=False)
    }
    assert held_out.isdisjoint(training)


def test_a_fitted_classifier_is_kept_for_the_other_processes(referential, settings):
    from territoria.atlas import proposals

    first = proposals.classifier(referential)
    stored = list((settings.DATA_DIR / "atlas").glob("classifier-*.pickle"))
    assert len(stored) == 1
    proposals.forget()  # another process: nothing in memory
    again = proposals.classifier(referential)
    assert again is not first
    text = "Une borne de prise de rendez-vous en ligne pour les cartes d'identité"
    assert again.propose(text).services == first.propose(text).services


def test_corrections_reach_the_next_proposals(referential, action_factory):
    from territoria.atlas import proposals

    text = "Le Pedibus connecté : les parents bénévoles s'inscrivent en ligne pour accompagner les enfants"
    before = proposals.propose_text(referential, text)
    for n in range(3):
        action_factory(
            title=f"Pedibus connecté {n}",
            summary="Le Pedibus : inscription des parents en ligne.",
            enjeu="E08",
            services=("S064",),
        )
    after = proposals.propose_text(referential, text)
    assert before.services[0].code != "S064"
    assert after.services[0].code == "S064"
