"""A measured corpus for the personal-data guard: real files, with personal data planted at known places.

Sources: every CSV of ``shared/data/exemples-schemas`` and ``shared/data/csv-fr``, and the
attribute tables of the GeoJSON files of ``shared/data`` (geometries left aside). Each source
gives two tables:

- the **original**, untouched: its columns are the negatives (a flagged column there is a false
  positive), except the few columns that really hold personal data, listed in
  :data:`REAL_PII` after reading the files;
- a **planted** copy (random generator seeded by ``seed`` and the file name) with
  * new columns, one per kind, under realistic or neutral headers, filled in 35-100 % of the rows
    (the other cells empty or "non communiqué"): generated e-mails, French phone numbers in eight
    spellings, NIR (valid key, Corsica included), IBAN (11 countries, valid key), person names;
  * existing text columns where one kind is written into some rows, replacing the value or
    appended to it ("… - contact : 06 12 34 56 78"), sometimes in a single row (below the 30 %
    threshold for e-mails and phones: measured at value level, not expected at column level);
  * existing columns whose header may name a person or an organisation ("nomBeneficiaire",
    "proprio_nom") where person names replace some organisations.

15 % of the generated first names come from :data:`UNSEEN_FIRST_NAMES`, names that the
guard's lexicon does not hold, so that value recall on ambiguous columns is not flattered.

``.venv/bin/python -m territoria.quality.pii_corpus`` prints the figures of docs/quality.md.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import math
import random
import sys
import unicodedata
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from territoria.lib.tables import RawColumn, RawTable
from territoria.quality import pii
from territoria.quality._names import FIRST_NAMES

DEFAULT_SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"

# Columns of the real files that do hold personal data of a kind (read by hand).
REAL_PII: dict[tuple[str, str], str] = {
    # A real (service) e-mail address: the guard is right to show it; not counted as a false positive.
    ("exemples-schemas/friches/fichier-valide.csv", "source_contact"): "email",
}

SURNAMES = (
    """
    Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel Lefebvre Leroy Roux
    David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine Rousseau Vincent Muller Lefèvre Faure
    André Mercier Blanc Guérin Boyer Garnier Chevalier François Legrand Gauthier Garcia Perrin Robin Clément
    Morin Nicolas Henry Roussel Mathieu Gautier Masson Marchand Duval Denis Dumont Marie Lemaire Noël Meyer
    Dufour Meunier Brun Blanchard Giraud Joly Rivière Lucas Brunet Gaillard Barbier Arnaud Martinez Gérard
    Roche Renard Schmitt Roy Leroux Colin Vidal Caron Picard Roger Fabre Aubert Lemoine Renaud Dumas Lacroix
    Olivier Philippe Bourgeois Pierre Benoît Rey Leclerc Payet Rolland Leclercq Guillaume Lecomte Lopez Jean
    Dupuy Guillot Hubert Berger Carpentier Sanchez Dupuis Moulin Louis Deschamps Huet Vasseur Perez Boucher
    Fleury Royer Klein Jacquet Adam Paris Poirier Marty Aubry Guyot Carré Charles Renault Charpentier Ménard
    Maillard Baron Bertin Bailly Hervé Schneider Fernandez Collet Léger Bouvier Julien Prévost Millet Perrot
    Daniel Cousin Germain Breton Besson Langlois Rémy Pelletier Lévêque Perrier Leblanc Barré Lebrun Marchal
    Weber Mallet Hamon Boulanger Jacob Monnier Michaud Rodriguez Guichard Gillet Étienne Grondin Poulain
    Tessier Chevallier Collin Chauvin Bouchet Gay Lemaître Bénard Maréchal Humbert Reynaud Antoine Hoarau
    Perret Barthélemy Cordier Pichon Lejeune Gilbert Lamy Delaunay Pasquier Carlier Laporte Nguyen Diallo
    Traoré Benali Haddad Kowalski
    """.split()  # noqa: SIM905 - word lists read better as text
    + ["Le Gall", "Le Roux", "Le Goff", "Da Silva", "de La Fontaine", "Dos Santos", "Ben Said"]
)

FIRST = (
    """
    Jean Marie Pierre Michel André Philippe Nathalie Isabelle Sylvie Catherine Françoise Jacques Alain Nicolas
    Christophe Stéphane Sébastien Julien Camille Léa Manon Emma Chloé Inès Louise Jade Hugo Lucas Louis
    Gabriel Arthur Raphaël Théo Nathan Enzo Sarah Julie Laura Céline Sandrine Valérie Patrick Daniel Bernard
    Monique Jeanne Paulette Yvette Simone Hélène Anne Claire Sophie Émilie Aurélie Thomas Antoine Maxime
    Alexandre Mohamed Karim Fatima Yasmine Mehdi Sofiane Nadia Rachid Amina Kevin Jérémy Mathilde Pauline
    Juliette Zoé
    """.split()  # noqa: SIM905 - word lists read better as text
    + ["Jean-Pierre", "Marie-Claire", "Anne-Sophie", "Jean-Luc", "Marie-Thérèse"]
)

# First names the guard's lexicon does not hold (checked below).
UNSEEN_FIRST_NAMES = """
    Anatole Bertille Eulalie Firmin Aristide Honorine Léonce Philomène Séraphin Clotaire Ysaline Gonzague
    Sidonie Anselme Domitille Théodore Hermine Ludivine Marcellin Prudence Wandrille Zéphirin Aldric Ombeline
    """.split()  # noqa: SIM905

EMAIL_DOMAINS = ["gmail.com", "orange.fr", "free.fr", "wanadoo.fr", "laposte.net", "hotmail.fr", "yahoo.fr",
                 "sfr.fr", "outlook.com", "icloud.com", "ville-exemple.fr", "proton.me"]  # fmt: skip
IBAN_COUNTRIES = {"FR": 8, "DE": 2, "BE": 2, "ES": 2, "IT": 2, "GB": 1, "NL": 1, "PT": 1, "CH": 1, "LU": 1, "MC": 1}
FILLERS = [None, None, None, "", "non communiqué", "NC", "—", "voir dossier", "à compléter"]

NEW_COLUMN_HEADERS = {
    "email": ["email", "Courriel", "mail_contact", "adresse_electronique", "info_2", "champ_libre"],
    "phone": ["telephone", "Tél.", "tel_portable", "numero_contact", "info_3", "observations"],
    "nir": ["nir", "num_secu", "Numéro de sécurité sociale", "identifiant_personne", "ref_dossier"],
    "iban": ["iban", "RIB", "coordonnees_bancaires", "compte", "ref_paiement"],
}
SURNAME_HEADERS = ["Nom", "nom_naissance", "NOM_USAGE", "lastname", "Nom de famille"]
FIRST_NAME_HEADERS = ["Prénom", "prenom", "first_name", "Prénoms"]
FULL_NAME_HEADERS = ["Nom et prénom", "nom_prenom", "fullname"]
AMBIGUOUS_HEADERS = ["nom_contact", "nomBeneficiaire", "nom_responsable", "Nom du demandeur", "nom_titulaire"]


# --- generators ----------------------------------------------------------------------------


def _ascii(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if c.isascii()).replace(" ", "").replace("'", "").lower()


def first_name(rng: random.Random) -> str:
    return rng.choice(UNSEEN_FIRST_NAMES) if rng.random() < 0.15 else rng.choice(FIRST)


def surname(rng: random.Random) -> str:
    return rng.choice(SURNAMES)


def full_name(rng: random.Random, *, civility: bool = True) -> str:
    first, last = first_name(rng), surname(rng)
    style = rng.random()
    if style < 0.45:
        return f"{first} {last}"
    if style < 0.75:
        return f"{last.upper()} {first}"
    if style < 0.9 or not civility:
        return f"{first} {last.upper()}"
    return f"{rng.choice(['M.', 'Mme', 'Monsieur', 'Madame'])} {first} {last.upper()}"


def email(rng: random.Random) -> str:
    first, last = _ascii(first_name(rng)), _ascii(surname(rng))
    number = rng.randint(1, 99)
    local = rng.choice([f"{first}.{last}", f"{first[0]}.{last}", f"{first}{last}{number}", f"{last}.{first}",
                        f"{first}_{last}"])  # fmt: skip
    address = f"{local}@{rng.choice(EMAIL_DOMAINS)}"
    return address.title() if rng.random() < 0.1 else address


def phone(rng: random.Random) -> str:
    first = rng.choice("6677123459")
    pairs = [f"{rng.randint(0, 99):02d}" for _ in range(4)]
    national = "0" + first + "".join(pairs)
    style = rng.randrange(8)
    if style < 4:
        return [" ", ".", "-", ""][style].join([national[:2], *pairs])
    if style == 4:
        return "+33 " + first + " " + " ".join(pairs)
    if style == 5:
        return "+33 (0)" + first + " " + " ".join(pairs)
    if style == 6:
        return "/".join([national[:2], *pairs])
    return "0033" + first + "".join(pairs)


def nir(rng: random.Random, *, spaced: bool | None = None) -> str:
    sex = rng.choice("1122")
    year = f"{rng.randint(0, 99):02d}"
    month = f"{rng.randint(1, 12):02d}" if rng.random() < 0.95 else str(rng.choice([20, 30, 35, 42]))
    dept = rng.choice(["75", "35", "13", "69", "59", "2A", "2B", "97", "99", "33", "06", "44"])
    commune = f"{rng.randint(1, 999):03d}"
    order = f"{rng.randint(1, 999):03d}"
    number = sex + year + month + dept + commune + order
    key = f"{pii.nir_key(number):02d}"
    if spaced if spaced is not None else rng.random() < 0.5:
        return " ".join([sex, year, month, dept, commune, order, key])
    return number + key


def iban(rng: random.Random) -> str:
    countries = list(IBAN_COUNTRIES)
    country = rng.choices(countries, weights=[IBAN_COUNTRIES[c] for c in countries])[0]
    length = pii.IBAN_LENGTHS[country]
    letters = {"GB": 4, "NL": 4, "IT": 1}.get(country, 0)
    bban = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(letters))
    bban += "".join(rng.choice("0123456789") for _ in range(length - 4 - letters))
    rearranged = bban + country + "00"
    check = 98 - int("".join(str(int(c, 36)) for c in rearranged)) % 97
    compact = f"{country}{check:02d}{bban}"
    if rng.random() < 0.6:
        return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))
    return compact


GENERATORS: dict[str, Callable[[random.Random], str]] = {"email": email, "phone": phone, "nir": nir, "iban": iban}


# --- sources -------------------------------------------------------------------------------


@dataclass
class Source:
    name: str  # path relative to shared/data
    labels: list[str]
    rows: list[list[str | None]]


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def _read_csv(path: Path) -> tuple[list[str], list[list[str | None]]]:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    header, body = records[0], [r for r in records[1:] if r]
    width = len(header)
    rows = [[(r[i] if i < len(r) and r[i] != "" else None) for i in range(width)] for r in body]
    return header, rows


def _cell(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _read_geojson(path: Path) -> tuple[list[str], list[list[str | None]]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    features = [data] if data.get("type") == "Feature" else data.get("features", [])
    labels: list[str] = []
    for feature in features:
        for key in feature.get("properties") or {}:
            if key not in labels:
                labels.append(key)
    rows = [[_cell((f.get("properties") or {}).get(k)) for k in labels] for f in features]
    return labels, rows


def real_sources(shared: Path = DEFAULT_SHARED) -> list[Source]:
    """Every CSV of exemples-schemas and csv-fr, and the GeoJSON attribute tables, in a stable order."""
    paths = sorted((shared / "exemples-schemas").glob("*/*.csv")) + sorted((shared / "csv-fr").glob("*.csv*"))
    geo = sorted(shared.glob("**/*.geojson"))
    sources = []
    for path in paths + geo:
        labels, rows = _read_geojson(path) if path.suffix == ".geojson" else _read_csv(path)
        if labels and rows:
            sources.append(Source(str(path.relative_to(shared)), labels, rows))
    return sources


# --- corpus --------------------------------------------------------------------------------


@dataclass
class CorpusTable:
    name: str
    planted: bool
    labels: list[str]
    rows: list[list[str | None]]
    # (column index, 0-based row) -> kinds written there
    cells: dict[tuple[int, int], set[str]] = field(default_factory=dict)
    # column index -> kinds the column must be flagged for
    expected: dict[int, set[str]] = field(default_factory=dict)
    # column index -> kinds planted below the threshold (not expected at column level)
    below_threshold: dict[int, set[str]] = field(default_factory=dict)
    # column index -> kinds really present in the original file (REAL_PII)
    real: dict[int, set[str]] = field(default_factory=dict)
    # column indexes written into (new or existing)
    touched: set[int] = field(default_factory=set)

    def raw_table(self, directory: Path) -> RawTable:
        names = [f"c{i}" for i in range(len(self.labels))]
        arrays = [pa.array([r[i] for r in self.rows], pa.string()) for i in range(len(names))]
        slug = "".join(c if c.isalnum() else "-" for c in self.name) + ("-planted" if self.planted else "")
        path = directory / f"{slug}.parquet"
        pq.write_table(pa.Table.from_arrays(arrays, names=names), path)
        columns = [RawColumn(n, label) for n, label in zip(names, self.labels, strict=True)]
        return RawTable(path=path, columns=columns, row_count=len(self.rows))


def _is_text_column(values: list[str | None]) -> bool:
    filled = [v for v in values if v]
    if not filled:
        return False
    texty = [v for v in filled if sum(c.isalpha() for c in v) >= 3 and not v.lstrip().startswith(("{", "["))]
    return len(texty) / len(filled) >= 0.8


def _rows_to_plant(rng: random.Random, n: int, share: float) -> list[int]:
    k = max(1, math.ceil(share * n))
    return sorted(rng.sample(range(n), min(k, n)))


def _add_column(table: CorpusTable, label: str, values: list[str | None]) -> int:
    table.labels.append(label)
    for row, value in zip(table.rows, values, strict=True):
        row.append(value)
    index = len(table.labels) - 1
    table.touched.add(index)
    return index


def _new_column(table: CorpusTable, rng: random.Random, label: str, kind: str, make: Any) -> int:
    n = len(table.rows)
    planted = set(_rows_to_plant(rng, n, rng.uniform(0.35, 1.0)))
    values: list[str | None] = [make(rng) if i in planted else rng.choice(FILLERS) for i in range(n)]
    index = _add_column(table, label, values)
    for i in planted:
        table.cells[(index, i)] = {kind}
    table.expected[index] = {kind}
    return index


def _non_empty(table: CorpusTable, index: int) -> int:
    return sum(1 for r in table.rows if r[index] not in (None, "") and str(r[index]).strip())


def plant(source: Source, seed: int = 0) -> CorpusTable:
    """The planted copy of ``source`` (deterministic for a given seed and file name)."""
    rng = random.Random(zlib.crc32(f"{seed}:{source.name}".encode()))  # noqa: S311 - reproducible test data
    table = CorpusTable(source.name, True, list(source.labels), [list(r) for r in source.rows])
    n = len(table.rows)
    original_width = len(table.labels)

    # 1. New columns, one per kind.
    for kind, make in GENERATORS.items():
        _new_column(table, rng, rng.choice(NEW_COLUMN_HEADERS[kind]), kind, make)
    existing = {label.strip().lower() for label in table.labels}
    surname_label = rng.choice(SURNAME_HEADERS)
    if surname_label.lower() in existing:
        surname_label = "nom_naissance"
    _new_column(table, rng, surname_label, "person_name", surname)
    _new_column(table, rng, rng.choice(FIRST_NAME_HEADERS), "person_name", first_name)
    _new_column(table, rng, rng.choice(FULL_NAME_HEADERS), "person_name", full_name)
    _new_column(table, rng, rng.choice(AMBIGUOUS_HEADERS), "person_name", full_name)

    # 2. Existing columns naming a person or an organisation: persons replace some organisations.
    for index in range(original_width):
        if pii.name_header_class(table.labels[index], table.labels) != pii.AMBIGUOUS:
            continue
        rows = _rows_to_plant(rng, n, rng.uniform(0.35, 1.0))
        for i in rows:
            table.rows[i][index] = full_name(rng)
            table.cells[(index, i)] = {"person_name"}
        table.touched.add(index)
        table.expected.setdefault(index, set()).add("person_name")
    # 3. Other existing text columns: one kind each, in many rows or in a single one, replaced or appended.
    text_columns = [
        i for i in range(original_width) if i not in table.touched and _is_text_column([r[i] for r in table.rows])
    ]
    rng.shuffle(text_columns)
    for index in text_columns[:3]:
        kind = rng.choice(list(GENERATORS))
        share = rng.choice([0.0, rng.uniform(0.35, 1.0)])  # 0.0: a single row
        rows = _rows_to_plant(rng, n, share) if share else [rng.randrange(n)]
        for i in rows:
            value = GENERATORS[kind](rng)
            old = table.rows[i][index]
            table.rows[i][index] = value if (not old or rng.random() < 0.5) else f"{old} - contact : {value}"
            table.cells[(index, i)] = {kind}
        table.touched.add(index)
        planted_share = len(rows) / max(1, _non_empty(table, index))
        if kind in {"nir", "iban"} or planted_share >= pii.THRESHOLD:
            table.expected.setdefault(index, set()).add(kind)
        else:
            table.below_threshold.setdefault(index, set()).add(kind)

    table.real = {
        i: {k} for (name, label), k in REAL_PII.items() if name == source.name for i in _indexes(table, label)
    }
    return table


def _indexes(table: CorpusTable, label: str) -> list[int]:
    return [i for i, lab in enumerate(table.labels) if lab == label]


def original(source: Source) -> CorpusTable:
    table = CorpusTable(source.name, False, list(source.labels), [list(r) for r in source.rows])
    table.real = {
        i: {k} for (name, label), k in REAL_PII.items() if name == source.name for i in _indexes(table, label)
    }
    return table


def build_corpus(shared: Path = DEFAULT_SHARED, seed: int = 0) -> list[CorpusTable]:
    assert not {pii._fold(n) for n in UNSEEN_FIRST_NAMES} & FIRST_NAMES, "UNSEEN_FIRST_NAMES must be unseen"
    sources = real_sources(shared)
    return [t for s in sources for t in (original(s), plant(s, seed))]


# --- measures ------------------------------------------------------------------------------


@dataclass
class KindFigures:
    planted_columns: int = 0
    detected_columns: int = 0
    below_threshold_columns: int = 0
    below_threshold_detected: int = 0
    untouched_columns: int = 0  # real columns of the untouched originals (negatives for this kind)
    false_positive_columns: int = 0
    false_positive_names: list[str] = field(default_factory=list)
    planted_untouched_fp: int = 0  # flagged untouched columns of the planted copies
    value_tp: int = 0
    value_fp: int = 0
    value_fn: int = 0

    @property
    def column_recall(self) -> float:
        return self.detected_columns / self.planted_columns if self.planted_columns else 1.0

    @property
    def column_fp_rate(self) -> float:
        return self.false_positive_columns / self.untouched_columns if self.untouched_columns else 0.0

    @property
    def value_precision(self) -> float:
        found = self.value_tp + self.value_fp
        return self.value_tp / found if found else 1.0

    @property
    def value_recall(self) -> float:
        planted = self.value_tp + self.value_fn
        return self.value_tp / planted if planted else 1.0


def measure(corpus: list[CorpusTable], directory: Path) -> dict[str, KindFigures]:
    figures = {kind: KindFigures() for kind in pii.KINDS}
    for table in corpus:
        raw = table.raw_table(directory)
        flagged: dict[int, set[str]] = defaultdict(set)
        for finding in pii.scan(raw):
            flagged[int(finding.column[1:])].add(finding.kind)
        detected: dict[tuple[int, int], set[str]] = {
            (int(name[1:]), row - 1): kinds for name, row, kinds in pii.cell_matches(raw)
        }
        for index, label in enumerate(table.labels):
            real = table.real.get(index, set())
            for kind in pii.KINDS:
                f = figures[kind]
                hit = kind in flagged[index]
                if kind in table.expected.get(index, set()):
                    f.planted_columns += 1
                    f.detected_columns += hit
                elif kind in table.below_threshold.get(index, set()):
                    f.below_threshold_columns += 1
                    f.below_threshold_detected += hit
                elif kind in real:
                    pass
                elif not table.planted:
                    f.untouched_columns += 1
                    if hit:
                        f.false_positive_columns += 1
                        f.false_positive_names.append(f"{table.name}:{label}")
                elif index not in table.touched and hit:
                    f.planted_untouched_fp += 1
            # Value level: every cell of the column.
            for row_number in range(len(table.rows)):
                planted = table.cells.get((index, row_number), set())
                truth = planted | (real if table.rows[row_number][index] else set())
                found = detected.get((index, row_number), set())
                for kind in pii.KINDS:
                    if kind in truth and kind in found:
                        figures[kind].value_tp += 1
                    elif kind in found:
                        figures[kind].value_fp += 1
                    elif kind in planted:
                        figures[kind].value_fn += 1
    return figures


def corpus_size(corpus: list[CorpusTable]) -> dict[str, int]:
    originals = [t for t in corpus if not t.planted]
    return {
        "files": len(originals),
        "rows": sum(len(t.rows) for t in originals),
        "real_columns": sum(len(t.labels) for t in originals),
        "planted_cells": sum(len(t.cells) for t in corpus),
    }


def format_table(figures: dict[str, KindFigures]) -> str:
    head = (
        "| type | colonnes plantées | détectées | rappel colonne | colonnes réelles intactes | faux positifs "
        "| taux FP | valeurs VP | FP | FN | précision valeur | rappel valeur | plantées sous le seuil (détectées) |"
    )
    lines = [head, "|" + "---|" * 13]
    for kind, f in figures.items():
        lines.append(
            f"| {kind} | {f.planted_columns} | {f.detected_columns} | {f.column_recall:.3f} | {f.untouched_columns} "
            f"| {f.false_positive_columns} | {f.column_fp_rate:.3f} | {f.value_tp} | {f.value_fp} | {f.value_fn} "
            f"| {f.value_precision:.3f} | {f.value_recall:.3f} | {f.below_threshold_columns} "
            f"({f.below_threshold_detected}) |"
        )
    return "\n".join(lines)


# Spellings outside what the guard looks for, to show its limits (not planted in the corpus).
HARD_VARIANTS: list[tuple[str, str, str]] = [
    ("email", "jean.dupont(at)gmail.com", "arobase écrite en toutes lettres"),
    ("email", "jean.dupont @ gmail . com", "espaces autour de @ et du point"),
    ("phone", "0612 34 56 78", "séparateurs irréguliers"),
    ("phone", "06 12 34 56 7 8", "groupes mal coupés"),
    ("phone", "+32 470 12 34 56", "numéro belge (hors +33)"),
    ("phone", "+262 692 12 34 56", "numéro de La Réunion au format international +262"),
    ("nir", "1-85-05-78-006-084-91", "NIR avec tirets"),
    ("nir", "185057800608491", "témoin : NIR compact à clé valide"),
    ("iban", "FR76-3000-6000-0112-3456-7890-189", "IBAN avec tirets"),
    ("person_name", "Zéphirin Garnier", "prénom absent du lexique, colonne ambiguë (nomBeneficiaire)"),
]


def hard_variants() -> list[tuple[str, str, str, bool]]:
    """(kind, value, what, detected) for each of HARD_VARIANTS (names read as nomBeneficiaire)."""
    results = []
    for kind, value, what in HARD_VARIANTS:
        header_class = pii.AMBIGUOUS if kind == "person_name" else None
        results.append((kind, value, what, kind in pii.find_in_value(value, header_class).found))
    return results


def iter_false_positives(figures: dict[str, KindFigures]) -> Iterator[str]:
    for kind, f in figures.items():
        for name in f.false_positive_names:
            yield f"{kind}: {name}"


def main(argv: list[str] | None = None) -> int:
    import tempfile

    args = argv if argv is not None else sys.argv[1:]
    seed = int(args[0]) if args else 0
    corpus = build_corpus(seed=seed)
    with tempfile.TemporaryDirectory() as directory:
        figures = measure(corpus, Path(directory))
    size = corpus_size(corpus)
    print(
        f"Corpus (graine {seed}) : {size['files']} fichiers réels, {size['rows']} lignes, "
        f"{size['real_columns']} colonnes réelles, {size['planted_cells']} cellules plantées"
    )
    print(format_table(figures))
    fps = list(iter_false_positives(figures))
    print("Faux positifs sur les originaux :", ", ".join(fps) if fps else "aucun")
    others = {k: f.planted_untouched_fp for k, f in figures.items() if f.planted_untouched_fp}
    print("Colonnes intactes signalées dans les copies plantées :", others or "aucune")
    print("Graphies hors du périmètre (non plantées) :")
    for kind, value, what, detected in hard_variants():
        print(f"  {kind:12} {value!r:40} {what} -> {'détecté' if detected else 'non détecté'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
