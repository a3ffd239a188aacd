"""Personal-data guard: validators, header rule, masking, scan, and the measured corpus."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from territoria.quality import pii, pii_corpus
from territoria.quality.pii import (
    AMBIGUOUS,
    PERSON,
    find_in_value,
    iban_valid,
    looks_like_name,
    mask,
    name_header_class,
    nir_key,
    scan,
)

from .conftest import MakeRaw


def kinds(value: str, header_class: str | None = None) -> set[str]:
    return set(find_in_value(value, header_class).found)


# --- validators ----------------------------------------------------------------------------


def test_nir_key_official_examples() -> None:
    # 1 84 12 76 451 089 -> key 46 (the example of the Assurance maladie documentation).
    assert nir_key("1841276451089") == 46
    assert kinds("1 84 12 76 451 089 46") == {"nir"}
    assert kinds("1 84 12 76 451 089 47") == set()  # wrong key


def test_nir_corsica_uses_19_and_18() -> None:
    number_2a = "1850520004012"  # born in Corse-du-Sud: 2A read as 19 for the key
    number_2b = "2850520004012"
    key_a = 97 - int(number_2a[:5] + "19" + number_2a[7:]) % 97
    key_b = 97 - int(number_2b[:5] + "18" + number_2b[7:]) % 97
    corsican_a = number_2a[:5] + "2A" + number_2a[7:]
    corsican_b = number_2b[:5] + "2B" + number_2b[7:]
    assert nir_key(corsican_a) == key_a and nir_key(corsican_b) == key_b
    assert kinds(f"{corsican_a}{key_a:02d}") == {"nir"}
    assert kinds(
        f"{corsican_b[:1]} {corsican_b[1:3]} {corsican_b[3:5]} 2B {corsican_b[7:10]} {corsican_b[10:]} {key_b:02d}"
    ) == {"nir"}
    assert kinds(f"{corsican_a}{(key_a % 97) + 1:02d}") == set()


@pytest.mark.parametrize(
    "value",
    [
        "FR76 3000 6000 0112 3456 7890 189",
        "FR7630006000011234567890189",
        "DE89 3704 0044 0532 0130 00",
        "GB82 WEST 1234 5698 7654 32",
        "BE68 5390 0754 7034",
        "NL91ABNA0417164300",
        "CH93 0076 2011 6238 5295 7",
        "IT60 X054 2811 1010 0000 0123 456",
        "ES91 2100 0418 4502 0005 1332",
        "NO93 8601 1117 947",
    ],
)
def test_valid_ibans_of_several_countries(value: str) -> None:
    assert iban_valid(value)
    assert kinds(f"Virement sur {value} svp") == {"iban"}


@pytest.mark.parametrize(
    "value",
    [
        "FR76 3000 6000 0112 3456 7890 188",
        "DE89 3704 0044 0532 0130 0",
        "XX12 3456 7890 1234",
        "FR76 3000 6000 0112 3456",
    ],
)
def test_invalid_ibans(value: str) -> None:
    assert not iban_valid(value)
    assert "iban" not in kinds(value)


@pytest.mark.parametrize(
    "value",
    [
        "06 12 34 56 78",
        "06.12.34.56.78",
        "06-12-34-56-78",
        "0612345678",
        "06/12/34/56/78",
        "+33 6 12 34 56 78",
        "+33 (0)6 12 34 56 78",
        "0033612345678",
        "Tél. : 01 23 45 67 89",
        "appeler le 09 70 80 90 10 après 18h",
    ],
)
def test_french_phone_spellings(value: str) -> None:
    assert kinds(value) == {"phone"}


@pytest.mark.parametrize(
    "value",
    [
        "2.0640084818",  # a coordinate
        "48,0640084818",
        "2017-03-30/2017-05-24",  # a period
        "21920044100018",  # a SIRET
        "00612345678",
        "0612345678901",
        "06 12 34 56",
        "12/05/2023",
        "+32 470 12 34 56",
    ],
)
def test_not_phones(value: str) -> None:
    assert "phone" not in kinds(value)


def test_one_value_may_hold_several_kinds() -> None:
    value = "Jean : jean.dupont@gmail.com, 06 12 34 56 78, IBAN FR76 3000 6000 0112 3456 7890 189"
    assert kinds(value) == {"email", "phone", "iban"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("jean.dupont@gmail.com", True),
        ("Contact : Marie.Curie@Ville-Rennes.fr.", True),
        ("x@y.z", False),
        ("@mairie", False),
        ("jean.dupont(at)gmail.com", False),
    ],
)
def test_emails(value: str, expected: bool) -> None:
    assert ("email" in kinds(value)) is expected


# --- person names --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "siblings", "expected"),
    [
        ("prenom", [], PERSON),
        ("Prénom", [], PERSON),
        ("nom_naissance", [], PERSON),
        ("NOM_USAGE", [], PERSON),
        ("lastname", [], PERSON),
        ("firstname", [], PERSON),
        ("first_name", [], PERSON),
        ("Nom et prénom", [], PERSON),
        ("nom", ["prenom"], PERSON),  # the surname beside a first name
        ("nom", ["prenom", "nom_naissance"], AMBIGUOUS),  # another column is the surname
        ("nom", [], AMBIGUOUS),  # the name of what?
        ("name", [], AMBIGUOUS),
        ("nomBeneficiaire", [], AMBIGUOUS),
        ("NOM_Beneficiaire", [], AMBIGUOUS),
        ("nomAttribuant", [], AMBIGUOUS),
        ("proprio_nom", [], AMBIGUOUS),
        ("nom_commune", [], None),
        ("nom_voie", [], None),
        ("nom_station", [], None),
        ("nom_lieu", [], None),
        ("site_nom", [], None),
        ("nom_vernaculaire", [], None),
        ("COLL_NOM", [], None),
        ("libelle", [], None),
    ],
)
def test_name_header_class(label: str, siblings: list[str], expected: str | None) -> None:
    assert name_header_class(label, [label, *siblings]) == expected


@pytest.mark.parametrize(
    ("value", "person", "ambiguous"),
    [
        ("Jean Dupont", True, True),
        ("DUPONT Théodore", True, True),  # unknown first name, administrative spelling
        ("Mme LEROY", True, True),
        ("Zéphirin Garnier", True, False),  # unknown first name: only a person column says so
        ("Rennes", True, False),
        ("ASSOCIATION SPORTIVE DE LA FONTONNE", False, False),
        ("Ville d'Antibes", False, False),
        ("Commune de Cransac", False, False),
        ("Saint-Malo", False, False),
        ("HARMONIE ANTIBOISE", False, False),
        ("OAJLP TENNIS DE TABLE", False, False),
        ("non communiqué", False, False),
        ("Inconnu", False, False),
        ("Jean Dupont 3", False, False),
    ],
)
def test_looks_like_name(value: str, person: bool, ambiguous: bool) -> None:
    assert looks_like_name(value, PERSON) is person
    assert looks_like_name(value, AMBIGUOUS) is ambiguous
    assert looks_like_name(value, None) is False


# --- masking -------------------------------------------------------------------------------


def test_masks_never_show_the_value() -> None:
    assert mask("email", "jean.dupont@exemple.fr") == "j***@e***.fr"
    assert mask("phone", "0612345678") == "06 ** ** ** 78"
    assert mask("nir", "184127645108946") == "1 ** ** ** *** *** **"
    assert mask("iban", "FR7630006000011234567890189") == "FR76 **** **** **** **** **** *89"
    assert mask("person_name", "Mme Marie DUPONT") == "Mme M*** D***"


# --- scan ----------------------------------------------------------------------------------


def test_scan_flags_columns_with_masked_examples(make_raw: MakeRaw) -> None:
    rows = [
        ["Jean", "DUPONT", "jean.dupont@gmail.com", "06 12 34 56 78", "1 84 12 76 451 089 46", "ok"],
        ["Marie", "CURIE", None, "07.11.22.33.44", None, "ok"],
        ["Paul", "MARTIN", "contact@mairie.fr", None, None, "FR76 3000 6000 0112 3456 7890 189"],
        ["Léa", "PETIT", "lea@free.fr", "rappeler au 01 23 45 67 89", None, "ok"],
    ]
    raw = make_raw(
        [("p", "Prénom"), ("n", "Nom"), ("m", "Courriel"), ("t", "Tél"), ("s", "secu"), ("c", "Commentaire")], rows
    )
    findings = {(f.column, f.kind): f for f in scan(raw)}
    assert set(findings) == {
        ("p", "person_name"),
        ("n", "person_name"),
        ("m", "email"),
        ("t", "phone"),
        ("s", "nir"),
        ("c", "iban"),
    }
    email = findings[("m", "email")]
    assert (email.matched, email.non_null, email.rows) == (3, 3, (1, 3, 4))
    assert email.examples == ("j***@g***.com", "c***@m***.fr", "l***@f***.fr")
    phone = findings[("t", "phone")]
    assert phone.examples == ("06 ** ** ** 78", "07 ** ** ** 44", "01 ** ** ** 89")
    iban = findings[("c", "iban")]
    assert iban.matched == 1 and iban.share == 0.25  # one is enough for an IBAN
    issue = email.as_issue()
    assert issue.code == "pii-email" and issue.severity == "error" and issue.column == "Courriel" and issue.row == 1
    assert "3 valeurs sur 3" in issue.message and "jean" not in issue.message and "dupont" not in issue.message
    assert "jean" not in str(issue.details)


def test_threshold_for_emails_and_phones(make_raw: MakeRaw) -> None:
    rows = [["Réunion le 3 mai"], ["écrire à jean.dupont@gmail.com"], ["rien"], ["rien"]]
    assert scan(make_raw(["obs"], rows)) == []  # 1 value in 4: below 30 %
    assert [f.kind for f in scan(make_raw(["obs"], rows), threshold=0.2)] == ["email"]


def test_organisations_in_ambiguous_columns_are_not_names(shared_data: Path, make_raw: MakeRaw) -> None:
    import csv

    path = shared_data / "exemples-schemas/subventions/exemple_valide.csv"
    records = list(csv.reader(path.read_text("utf-8").splitlines()))
    raw = make_raw([(f"c{i}", h) for i, h in enumerate(records[0])], [r + [None] * 0 for r in records[1:]])
    assert scan(raw) == []
    rows = [list(r) for r in records[1:]]
    beneficiary = records[0].index("nomBeneficiaire")
    for i in range(0, len(rows), 2):
        rows[i][beneficiary] = "DUPONT Marie" if i % 4 else "M. Jean Martin"
    findings = scan(make_raw([(f"c{i}", h) for i, h in enumerate(records[0])], rows))
    assert [(f.label, f.kind) for f in findings] == [("nomBeneficiaire", "person_name")]
    assert findings[0].matched == 15 and findings[0].non_null == 29


def test_random_fifteen_digit_identifiers_are_not_nir(make_raw: MakeRaw) -> None:
    rng = random.Random(7)
    rows = [
        [f"{rng.choice('12')}{rng.randint(0, 99):02d}{rng.randint(1, 12):02d}{rng.randint(10**9, 10**10 - 1)}"]
        for _ in range(400)
    ]
    valid = sum("nir" in kinds(r[0]) for r in rows)
    assert valid >= 1  # one key in 97 is right by chance…
    assert scan(make_raw(["identifiant"], rows)) == []  # …which the chance rule recognises


def test_geometry_column_is_not_scanned(make_raw: MakeRaw) -> None:
    geometry = '{"type":"Point","coordinates":[2.0640084818,48.0612345678]}'
    raw = make_raw(["nom", "geom"], [["Rennes", geometry]] * 3, geometry="geom")
    assert scan(raw) == []


# --- the measured corpus -------------------------------------------------------------------


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pii_corpus.KindFigures]:
    if not pii_corpus.DEFAULT_SHARED.is_dir():
        pytest.skip("shared data absent")
    corpus = pii_corpus.build_corpus(seed=0)
    return pii_corpus.measure(corpus, tmp_path_factory.mktemp("corpus"))


@pytest.mark.parametrize("kind", pii.KINDS)
def test_corpus_column_recall(figures: dict[str, pii_corpus.KindFigures], kind: str) -> None:
    f = figures[kind]
    assert f.planted_columns >= 30
    assert f.column_recall >= 0.95, f


@pytest.mark.parametrize("kind", pii.KINDS)
def test_corpus_no_false_positive_column_on_real_files(figures: dict[str, pii_corpus.KindFigures], kind: str) -> None:
    f = figures[kind]
    assert f.untouched_columns > 600
    assert f.false_positive_columns == 0, f.false_positive_names
    assert f.planted_untouched_fp == 0


def test_corpus_value_level(figures: dict[str, pii_corpus.KindFigures]) -> None:
    for kind, f in figures.items():
        assert f.value_precision >= 0.95, kind
        assert f.value_recall >= (0.9 if kind == "person_name" else 0.95), kind


def test_corpus_is_deterministic_and_plants_what_it_says() -> None:
    if not pii_corpus.DEFAULT_SHARED.is_dir():
        pytest.skip("shared data absent")
    source = pii_corpus.real_sources()[0]
    a, b = pii_corpus.plant(source, seed=3), pii_corpus.plant(source, seed=3)
    assert a.rows == b.rows and a.cells == b.cells
    for (column, row), planted in a.cells.items():
        assert planted <= kinds(str(a.rows[row][column]), name_header_class(a.labels[column], a.labels)) | {
            "person_name"
        }


def test_hard_variants_are_reported_as_limits() -> None:
    results = {value: detected for _, value, _, detected in pii_corpus.hard_variants()}
    assert results["185057800608491"] is True  # the control
    assert results["jean.dupont(at)gmail.com"] is False
