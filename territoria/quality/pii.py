"""Personal-data guard: find columns of a raw table that hold personal data before it is published.

Kinds: ``email``, ``phone`` (French numbers), ``nir`` (social security number, key checked),
``iban`` (any country, length and mod-97 key checked) and ``person_name`` (only in columns whose
header names a person, see :func:`name_header_class`).

A column is flagged for a kind when at least ``threshold`` (30 % by default) of its non-empty
values hold a match; a single valid NIR or IBAN is enough, except when the column is visibly a
column of other numbers where valid keys appear only by chance (see :data:`CHANCE_SHAPED`).
Reports never carry a raw value: examples are masked ("j***@e***.fr", "06 ** ** ** 78").

The values are read with DuckDB (the same view as the structural checks); only the distinct
values that may hold a match are handed to Python, with their count and first row.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from territoria.lib.tables import RawColumn, RawTable
from territoria.quality import _fr
from territoria.quality._names import CIVILITIES, FIRST_NAMES, NOT_NAMES, ORG_WORDS
from territoria.quality.checks._base import ROW, VIEW, Table, ident, open_table
from territoria.quality.report import Issue

KINDS = ("nir", "iban", "email", "phone", "person_name")
THRESHOLD = 0.30
CHECK = "pii"
EXAMPLES = 3
# NIR/IBAN: a column with at least this many values shaped like one, of which at most CHANCE_SHARE
# carry a valid key, is a column of other numbers (1 random number in 97 passes a mod-97 key).
CHANCE_SHAPED = 20
CHANCE_SHARE = 0.05

# --- patterns ------------------------------------------------------------------------------

EMAIL_RE = re.compile(
    r"(?<![\w.+%-])[A-Za-z0-9][A-Za-z0-9._%+-]*@"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}"
    r"(?![\w-])"
)
# +33 / 0033 / 0, then 9 digits (the first 1-9), in pairs separated by nothing, spaces, dots, dashes
# or slashes, the same separator throughout ("2017-03-30/2017-05-24" is a period, not a phone).
# Not inside a longer number or a decimal ("2.0640084818" is a coordinate, not a phone).
PHONE_RE = re.compile(
    r"(?<![\w+/])(?<!\d[.,\-])"
    r"(?:(?:\+|00)33[\s.\-]?(?:\(0\)[\s.\-]?)?|0)"
    r"([1-9])([\s./\-]?)(\d{2})((?:\2\d{2}){3})"
    r"(?![\d])(?![.,]\d)"
)
# NIR: sex, year, month (01-12, or 20-99 for the special cases), department (2A/2B for Corsica),
# commune, order, key; optionally spaced as it is printed on the card.
NIR_RE = re.compile(
    r"(?<![\w])([1-478])\s?(\d{2})\s?(0[1-9]|1[0-2]|[2-9]\d)\s?(\d{2}|2[AaBb])\s?(\d{3})\s?(\d{3})\s?(\d{2})(?![\w])"
)
IBAN_START_RE = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{2})(\d{2})")

# Total IBAN length per country (SWIFT IBAN registry). French overseas territories use FR.
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BI": 27,
    "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27, "DK": 18, "DO": 28,
    "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
    "GL": 18, "GR": 27, "GT": 28, "HN": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21,
    "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28,
    "NL": 18, "NO": 15, "OM": 23, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22,
    "RU": 33, "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25,
    "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}  # fmt: skip

# DuckDB (RE2) pre-filter: values that may hold an e-mail, a phone, a NIR or an IBAN; a plain
# decimal number ("48.1234567890", a coordinate) holds none and is left in DuckDB.
PREFILTER = r"@|\d(?:\W?\d){8}|2[AaBb]\W?\d{3}|[A-Za-z]{2}\d{2}"
DECIMAL = r"\s*[-+]?\d+[.,]\d+\s*"


# --- validators ----------------------------------------------------------------------------


def nir_key(number13: str) -> int:
    """The NIR key of a 13-character number: 97 - (number mod 97); Corsica 2A -> 19, 2B -> 18."""
    digits = number13.upper()
    if digits[5:7] == "2A":
        digits = digits[:5] + "19" + digits[7:]
    elif digits[5:7] == "2B":
        digits = digits[:5] + "18" + digits[7:]
    return 97 - int(digits) % 97


def _nir_shapes(text: str) -> Iterable[tuple[re.Match[str], bool]]:
    for match in NIR_RE.finditer(text):
        number = "".join(match.groups()[:6])
        yield match, nir_key(number) == int(match.group(7))


def iban_valid(iban: str) -> bool:
    """Length for the country and ISO 13616 mod-97 key (the rearranged number mod 97 == 1)."""
    iban = re.sub(r"\s", "", iban).upper()
    if IBAN_LENGTHS.get(iban[:2]) != len(iban) or not iban.isalnum():
        return False
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def _iban_shapes(text: str) -> Iterable[tuple[tuple[int, int, str], bool]]:
    """(start, end, compact IBAN) of each IBAN-shaped run (country length honoured), and its validity."""
    for match in IBAN_START_RE.finditer(text):
        country = match.group(1).upper()
        length = IBAN_LENGTHS.get(country)
        if length is None:
            continue
        chars = [country, match.group(2)]
        count, i = 4, match.end()
        while count < length and i < len(text):
            c = text[i]
            if c.isascii() and c.isalnum():
                chars.append(c.upper())
                count += 1
                i += 1
            elif c == " " and i + 1 < len(text) and text[i + 1].isascii() and text[i + 1].isalnum():
                i += 1
            else:
                break
        if count != length or (i < len(text) and text[i].isascii() and text[i].isalnum()):
            continue
        compact = "".join(chars)
        yield (match.start(), i, compact), iban_valid(compact)


# --- person names --------------------------------------------------------------------------


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def header_tokens(label: str) -> list[str]:
    """ "nomBeneficiaire" -> ["nom", "beneficiaire"]; "Prénom de l'élu" -> ["prenom", "de", "l", "elu"]."""
    spaced = re.sub(r"(?<=[a-zà-ÿ])(?=[A-Z])", " ", label)
    return [t for t in re.split(r"[^a-z0-9]+", _fold(spaced)) if t]


NAME_WORDS = {"nom", "noms", "name", "names"}
PERSON_WORDS = {
    "prenom", "prenoms", "firstname", "lastname", "surname", "patronyme", "forename", "givenname",
    "familyname", "fullname", "nomprenom", "prenomnom", "nomdefamille",
}  # fmt: skip
FIRST_NAME_WORDS = {"prenom", "prenoms", "firstname", "forename", "givenname"}
SURNAME_QUALIFIERS = {"naissance", "usage", "famille", "marital", "maritale", "jeune", "fille", "epoux", "epouse"}
PERSON_QUALIFIERS = SURNAME_QUALIFIERS | {
    "complet", "de", "du", "d", "l", "la", "le", "et", "first", "last", "given", "family", "full", "personne",
    "physique", "patient", "eleve", "usager", "habitant", "agent", "elu", "salarie", "client", "adherent",
    "enfant", "pere", "mere", "parent", "conjoint", "defunt", "candidat", "1", "2",
}  # fmt: skip
# Roles that are a person or an organisation depending on the row: the values decide.
PARTY_WORDS = {
    "beneficiaire", "attribuant", "titulaire", "demandeur", "proprietaire", "proprio", "contact",
    "responsable", "auteur", "signataire", "declarant", "exploitant", "gestionnaire", "referent",
    "representant", "president", "maire", "interlocuteur", "redacteur", "contributeur", "producteur",
    "operateur", "acheteur", "vendeur", "locataire", "bailleur", "mandataire", "porteur", "createur",
    "dirigeant", "associe", "membre", "benevole", "laureat", "artiste", "architecte", "medecin",
    "praticien", "donateur", "debiteur", "creancier", "prestataire", "organisateur", "correspondant",
}  # fmt: skip
LINK_WORDS = {"de", "du", "d", "l", "la", "le", "des", "et"}

PERSON = "person"
AMBIGUOUS = "ambiguous"


def _is_first_name_header(tokens: list[str]) -> bool:
    joined = "".join(tokens)
    return bool(FIRST_NAME_WORDS & set(tokens)) or joined in {"firstname", "givenname"}


def _is_surname_header(tokens: list[str]) -> bool:
    joined = "".join(tokens)
    if joined in {"lastname", "surname", "familyname", "patronyme", "nomdefamille"}:
        return True
    return bool(NAME_WORDS & set(tokens)) and bool(SURNAME_QUALIFIERS & set(tokens))


def name_header_class(label: str, siblings: Iterable[str] = ()) -> str | None:
    """Whether a header names a person ("person"), may name a person or an organisation
    ("ambiguous"), or names something else (None).

    - "prenom", "nom_naissance", "NOM_USAGE", "lastname", "first_name", "Nom et prénom"… -> person;
    - a plain "nom"/"name" -> person when the table also has a first-name column and no other
      surname column (then it is the surname), ambiguous otherwise (the name of what?);
    - "nom" with a role that may be a person or an organisation ("nomBeneficiaire",
      "nomAttribuant", "proprio_nom", "nom_contact") -> ambiguous: values must look like persons;
    - "nom" with anything else ("nom_commune", "nom_voie", "nom_station", "site_nom",
      "nom_vernaculaire") -> None: the column is not scanned for names.
    """
    tokens = header_tokens(label)
    if not tokens:
        return None
    token_set = set(tokens)
    joined = "".join(tokens)
    if joined in PERSON_WORDS or (
        token_set & (NAME_WORDS | PERSON_WORDS) and token_set <= NAME_WORDS | PERSON_WORDS | PERSON_QUALIFIERS
    ):
        if token_set & PERSON_WORDS or token_set & (PERSON_QUALIFIERS - LINK_WORDS):
            return PERSON
        # A plain "nom": the surname if the table has a first-name column and no other surname column.
        others = [header_tokens(s) for s in siblings if s != label]
        if any(_is_first_name_header(t) for t in others) and not any(_is_surname_header(t) for t in others):
            return PERSON
        return AMBIGUOUS
    if token_set & NAME_WORDS and token_set & PARTY_WORDS and token_set <= NAME_WORDS | PARTY_WORDS | LINK_WORDS:
        return AMBIGUOUS
    return None


_NAME_TOKEN = re.compile(r"^[^\W\d_](?:[^\W\d_]|['’.\-])*$")


def looks_like_name(value: str, header_class: str | None) -> bool:
    """Whether a cell of a name column names a person.

    Shape: 1 to 5 words of letters (hyphens, apostrophes, initials allowed), no digit, no word
    of an organisation or a place ("association", "club", "mairie", "rue", "saint"…), not a
    placeholder ("inconnu", "NC"). In an ambiguous column the value must also show a person: a
    civility ("M.", "Mme") or a known first name beside at least one other word.
    """
    if header_class is None:
        return False
    words = value.split()
    if not 1 <= len(words) <= 5 or not 2 <= len(value.strip()) <= 60:
        return False
    civility = _fold(words[0]) in CIVILITIES
    core = words[1:] if civility else words
    if not core or not all(_NAME_TOKEN.match(w) for w in core):
        return False
    folded = [_fold(w).strip(".'’-") for w in core]
    parts = {p for w in folded for p in re.split(r"[-'’]", w) if p}
    if parts & ORG_WORDS or " ".join(folded) in NOT_NAMES or all(f in NOT_NAMES for f in folded):
        return False
    if header_class == PERSON:
        return True
    if civility:
        return True
    if len(core) < 2:
        return False
    # "DUPONT Marie", "Marie DUPONT": the administrative way of writing a person.
    upper = any(len(w) >= 2 and w.isupper() for w in core)
    capitalised = any(w[:1].isupper() and w[1:].islower() and len(w) >= 2 for w in core)
    return (upper and capitalised) or bool(parts & FIRST_NAMES)


# --- matching values -----------------------------------------------------------------------


@dataclass
class ValueMatches:
    """What one value holds: matched substrings per kind, plus shaped-but-invalid NIR/IBAN counts."""

    found: dict[str, list[str]] = field(default_factory=dict)
    shaped: dict[str, int] = field(default_factory=dict)


def find_in_value(value: str, header_class: str | None = None) -> ValueMatches:
    """Personal data in one cell. IBAN and NIR spans are taken out before looking for phones,
    so that the digits of an IBAN are not read as a phone number."""
    result = ValueMatches()
    text = value
    spans: list[tuple[int, int]] = []
    for (start, end, compact), valid in _iban_shapes(text):
        result.shaped["iban"] = result.shaped.get("iban", 0) + 1
        if valid:
            result.found.setdefault("iban", []).append(compact)
            spans.append((start, end))
    for match, valid in _nir_shapes(text):
        if any(s <= match.start() < e for s, e in spans):
            continue
        result.shaped["nir"] = result.shaped.get("nir", 0) + 1
        if valid:
            result.found.setdefault("nir", []).append(re.sub(r"\s", "", match.group(0)))
            spans.append(match.span())
    for match in EMAIL_RE.finditer(text):
        result.found.setdefault("email", []).append(match.group(0))
        spans.append(match.span())
    masked = list(text)
    for start, end in spans:
        masked[start:end] = " " * (end - start)
    for match in PHONE_RE.finditer("".join(masked)):
        national = "0" + match.group(1) + match.group(3) + re.sub(r"\D", "", match.group(4))
        result.found.setdefault("phone", []).append(national)
    if header_class is not None and looks_like_name(value.strip(), header_class):
        result.found.setdefault("person_name", []).append(value.strip())
    return result


# --- masking -------------------------------------------------------------------------------


def mask(kind: str, value: str) -> str:
    """A value with enough left to recognise its shape and not enough to identify anyone."""
    if kind == "email":
        local, _, domain = value.partition("@")
        host, _, tld = domain.rpartition(".")
        return f"{local[:1]}***@{host[:1]}***.{tld}"
    if kind == "phone":
        digits = re.sub(r"\D", "", value)
        return f"{digits[:2]} ** ** ** {digits[-2:]}"
    if kind == "nir":
        return f"{value[:1]} ** ** ** *** *** **"
    if kind == "iban":
        compact = re.sub(r"\s", "", value)
        hidden = compact[:4] + "*" * (len(compact) - 6) + compact[-2:]
        return " ".join(hidden[i : i + 4] for i in range(0, len(hidden), 4))
    if kind == "person_name":
        words = value.split()
        return " ".join(w if _fold(w) in CIVILITIES else w[:1] + "***" for w in words)
    return "***"


# --- findings ------------------------------------------------------------------------------

KIND_FR = {
    "email": ("des adresses e-mail", "adresse e-mail"),
    "phone": ("des numéros de téléphone", "numéro de téléphone"),
    "nir": ("des numéros de sécurité sociale (NIR) valides", "NIR"),
    "iban": ("des IBAN (coordonnées bancaires) valides", "IBAN"),
    "person_name": ("des noms de personnes", "nom"),
}
ADVICE = {
    "email": (
        "Une adresse e-mail nominative est une donnée personnelle : supprimez la colonne ou remplacez ces "
        "adresses par une adresse de service (contact@…) avant publication. S'il s'agit déjà d'adresses "
        "de service, confirmez-le."
    ),
    "phone": (
        "Un numéro de particulier ou de ligne directe est une donnée personnelle : supprimez ou masquez la "
        "colonne. Un numéro de standard (mairie, service) peut rester : confirmez-le."
    ),
    "nir": (
        "Le numéro de sécurité sociale ne doit jamais être publié : supprimez la colonne, et retirez le "
        "fichier s'il a déjà été diffusé."
    ),
    "iban": "Des coordonnées bancaires ne doivent pas être publiées : supprimez la colonne.",
    "person_name": (
        "Le nom d'une personne physique est une donnée personnelle : supprimez ou pseudonymisez la colonne, "
        "sauf base légale de publication (élus, agents dans leurs fonctions…). Pour des bénéficiaires "
        "personnes physiques, le SCDL demande de ne pas publier leur nom."
    ),
}


@dataclass(frozen=True)
class PiiFinding:
    kind: str
    column: str  # technical name in the raw table
    label: str  # header as written in the source
    matched: int  # non-empty values holding at least one match
    non_null: int  # non-empty values of the column
    examples: tuple[str, ...]  # masked, never raw
    rows: tuple[int, ...]  # first data rows (1-based) holding a match
    shaped: int = 0  # NIR/IBAN: values shaped like one, valid key or not

    @property
    def share(self) -> float:
        return self.matched / self.non_null if self.non_null else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "column": self.column,
            "label": self.label,
            "matched": self.matched,
            "non_null": self.non_null,
            "share": round(self.share, 4),
            "examples": list(self.examples),
            "rows": list(self.rows),
        }

    def as_issue(self) -> Issue:
        what, _ = KIND_FR[self.kind]
        examples = ", ".join(self.examples)
        rows = _fr.rows(list(self.rows), self.matched)
        message = (
            f"La colonne {_fr.quote(self.label)} contient {what} : {_fr.num(self.matched)} valeur"
            f"{'s' if self.matched > 1 else ''} sur {_fr.num(self.non_null)} ({_fr.pct(self.share)}), "
            f"par ex. {examples} (lignes de données {rows}). {ADVICE[self.kind]}"
        )
        return Issue(
            code=f"pii-{self.kind}",
            message=message,
            severity="error",
            row=self.rows[0] if self.rows else None,
            column=self.label,
            check=CHECK,
            details=self.as_dict(),
        )


@dataclass
class _Tally:
    matched: int = 0
    shaped: int = 0
    examples: list[str] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)

    def add(self, count: int, row: int, samples: list[str], kind: str) -> None:
        self.matched += count
        if len(self.rows) < EXAMPLES:
            self.rows.append(row)
        for sample in samples:
            shown = mask(kind, sample)
            if len(self.examples) < EXAMPLES and shown not in self.examples:
                self.examples.append(shown)


def flagged(kind: str, matched: int, non_null: int, shaped: int = 0, threshold: float = THRESHOLD) -> bool:
    """The column rule: ≥ threshold of the non-empty values, or any valid NIR/IBAN unless chance."""
    if not matched or not non_null:
        return False
    if kind in {"nir", "iban"}:
        return not (shaped >= CHANCE_SHAPED and matched / shaped <= CHANCE_SHARE)
    return matched / non_null >= threshold


def _candidates(table: Table, column: RawColumn, header_class: str | None) -> tuple[str, dict[str, Any]]:
    """SQL condition selecting the non-empty values that may hold personal data."""
    where = f"NOT {table.blank(column.name)}"
    if header_class is not None:  # a name column: every value is a candidate
        return where, {}
    q = ident(column.name)
    return (
        f"{where} AND regexp_matches({q}, $pre) AND NOT regexp_full_match({q}, $decimal)",
        {"pre": PREFILTER, "decimal": DECIMAL},
    )


def _scan_column(table: Table, column: RawColumn, header_class: str | None) -> dict[str, _Tally]:
    q = ident(column.name)
    where, params = _candidates(table, column, header_class)
    sql = (
        f"SELECT {q}, count(*), min({ROW}) AS first_row FROM {VIEW} WHERE {where} "  # noqa: S608
        f"GROUP BY {q} ORDER BY first_row"
    )
    tallies: dict[str, _Tally] = {}
    cursor = table.con.execute(sql, params)
    while batch := cursor.fetchmany(10_000):
        for value, count, row in batch:
            found = find_in_value(str(value), header_class)
            for kind, n in found.shaped.items():
                tallies.setdefault(kind, _Tally()).shaped += int(count) * n
            for kind, samples in found.found.items():
                tallies.setdefault(kind, _Tally()).add(int(count), int(row), samples, kind)
    return tallies


def cell_matches(raw: RawTable) -> Iterator[tuple[str, int, set[str]]]:
    """(column name, data row, kinds) of every cell holding personal data, read exactly as
    :func:`scan` reads them (same DuckDB pre-filter); for measuring the guard value by value."""
    if not raw.columns or not raw.row_count:
        return
    labels = [c.label for c in raw.columns]
    with open_table(raw) as table:
        for column in table.data_columns:
            header_class = name_header_class(column.label, labels)
            where, params = _candidates(table, column, header_class)
            sql = f"SELECT {ident(column.name)}, {ROW} FROM {VIEW} WHERE {where}"  # noqa: S608
            cursor = table.con.execute(sql, params)
            while batch := cursor.fetchmany(10_000):
                for value, row in batch:
                    kinds = set(find_in_value(str(value), header_class).found)
                    if kinds:
                        yield column.name, int(row), kinds


def scan(raw: RawTable, *, threshold: float = THRESHOLD, table: Table | None = None) -> list[PiiFinding]:
    """The columns of ``raw`` that hold personal data, one finding per (column, kind).

    ``table``: ``raw`` already opened by :func:`open_table` (the structural checks share it and its counts).
    """
    if not raw.columns or not raw.row_count:
        return []
    if table is None:
        with open_table(raw) as opened:
            return scan(raw, threshold=threshold, table=opened)
    findings: list[PiiFinding] = []
    labels = [c.label for c in raw.columns]
    filled = table.filled()
    for column in table.data_columns:
        total = filled[column.name]
        if not total:
            continue
        header_class = name_header_class(column.label, labels)
        for kind, tally in _scan_column(table, column, header_class).items():
            if not flagged(kind, tally.matched, int(total), tally.shaped, threshold):
                continue
            findings.append(
                PiiFinding(
                    kind=kind,
                    column=column.name,
                    label=column.label,
                    matched=tally.matched,
                    non_null=int(total),
                    examples=tuple(tally.examples),
                    rows=tuple(tally.rows),
                    shaped=tally.shaped,
                )
            )
    order = {k: i for i, k in enumerate(KINDS)}
    positions = {c.name: i for i, c in enumerate(raw.columns)}
    return sorted(findings, key=lambda f: (positions[f.column], order[f.kind]))


def issues(findings: Iterable[PiiFinding]) -> list[Issue]:
    return [f.as_issue() for f in findings]
