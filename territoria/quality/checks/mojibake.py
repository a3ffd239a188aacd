"""Suspicious encodings: text decoded with the wrong character set ("CafÃ©", "lâ€™école", "ï»¿id").

The usual accident is a UTF-8 file read as Windows-1252 (or Latin-1): each accented letter
becomes two or three characters, the first being "Ã", "Â", "Å" or "â". We count, per column
(and in the headers), the values holding such a sequence or the replacement character "�".
"""

from __future__ import annotations

import contextlib
import re

from territoria.quality import _fr
from territoria.quality.checks._base import ROW, VIEW, Check, Table, ident
from territoria.quality.report import Issue


def _continuations() -> str:
    """Characters that the bytes 0x80-0xBF (UTF-8 continuation bytes) become in cp1252 or Latin-1."""
    chars: set[str] = set()
    for byte in range(0x80, 0xC0):
        raw = bytes([byte])
        chars.add(raw.decode("latin-1"))
        with contextlib.suppress(UnicodeDecodeError):  # 0x81, 0x8D, 0x8F, 0x90, 0x9D are unassigned
            chars.add(raw.decode("cp1252"))
    return "".join(sorted(chars))


def _class(chars: str) -> str:
    """A regular-expression character class (RE2 and Python) holding exactly ``chars``."""
    return "[" + "".join(f"\\x{{{ord(c):04X}}}" for c in chars) + "]"


CONT = _class(_continuations())
# "Ã©" (é), "Ã " (à, its second byte turned into a space), "Â " (non-breaking space), "Å“" (œ),
# "â€™" (’), "ï»¿" (the BOM), "�" (U+FFFD, bytes that could not be decoded at all).
PATTERN = f"[ÂÃÅ]{CONT}|Ã |Ã$|â{CONT}{CONT}|ï»¿|\\x{{FFFD}}"
# The same on a whole row, its cells joined by line feeds (a character no alternative contains): any
# cell matching PATTERN makes its row match ROW_PATTERN, so one test per row picks the rows worth a
# test per cell ("Ã" ending a cell is followed by the line feed, not by the end of the text).
ROW_PATTERN = f"[ÂÃÅ]{CONT}|Ã |Ã\\n|Ã$|â{CONT}{CONT}|ï»¿|\\x{{FFFD}}"


# A run of characters that a UTF-8 multi-byte sequence may have turned into under cp1252/Latin-1.
_RUN = re.compile("[\u00c2-\u00f4][" + _continuations() + "]{1,3}")


def _fix_run(match: re.Match[str]) -> str:
    run = match.group(0)
    for codec in ("cp1252", "latin-1"):
        try:
            return run.encode(codec).decode("utf-8")
        except UnicodeError:
            continue
    return run


def suggest(value: str) -> str | None:
    """What the value probably was: undo the UTF-8 -> cp1252 (or Latin-1) misreading, run by run."""
    fixed = _RUN.sub(_fix_run, value.replace("Ã ", "à"))
    if fixed.endswith("Ã"):
        fixed = fixed[:-1] + "à"
    fixed = fixed.replace("\ufeff", "")
    if fixed == value or not fixed.strip():
        return None
    return fixed


def _example(value: str) -> str:
    fixed = suggest(value)
    if fixed:
        return f"par ex. {_fr.quote(value)}, probablement {_fr.quote(fixed)}"
    return f"par ex. {_fr.quote(value)}"


ADVICE = (
    "Le fichier a sans doute été enregistré en UTF-8 puis relu en Windows-1252 (ou l'inverse) : "
    "ré-enregistrez-le en UTF-8, ou réimportez-le en indiquant le bon encodage."
)


def _header_issues(table: Table) -> list[Issue]:
    issues: list[Issue] = []
    labels = [c.label for c in table.columns]
    if not labels:
        return issues
    flags = table.fetchall(
        "SELECT list_transform(?, x -> regexp_matches(x, ?))",
        [labels, PATTERN],
    )[0][0]
    for position, (label, bad) in enumerate(zip(labels, flags, strict=True), start=1):
        if bad:
            issues.append(
                Issue(
                    code="mojibake-header",
                    severity="warning",
                    column=label,
                    check=CHECK.name,
                    message=(
                        f"L'en-tête de la colonne n° {position} contient des caractères mal décodés "
                        f"({_example(label)}). {ADVICE}"
                    ),
                    details={"position": position},
                )
            )
    return issues


def run(table: Table) -> list[Issue]:
    issues = _header_issues(table)
    columns = table.data_columns
    if not columns or not table.raw.row_count:
        return issues
    parts = []
    for c in columns:
        q = ident(c.name)
        parts.append(f"count(*) FILTER (WHERE regexp_matches({q}, $p))")
        parts.append(f"arg_min({q}, {ROW}) FILTER (WHERE regexp_matches({q}, $p))")
        parts.append(f"min({ROW}) FILTER (WHERE regexp_matches({q}, $p))")
    joined = ", ".join(ident(c.name) for c in columns)
    suspects = f"SELECT * FROM {VIEW} WHERE regexp_matches(concat_ws(chr(10), {joined}), $row)"  # noqa: S608
    sql = f"SELECT {', '.join(parts)} FROM ({suspects})"  # noqa: S608
    result = table.con.execute(sql, {"p": PATTERN, "row": ROW_PATTERN}).fetchone()
    assert result is not None
    for i, column in enumerate(columns):
        count, example, row = result[3 * i : 3 * i + 3]
        if not count:
            continue
        label = table.label(column)
        issues.append(
            Issue(
                code="mojibake",
                severity="warning",
                row=int(row),
                column=label,
                check=CHECK.name,
                message=(
                    f"La colonne {_fr.quote(label)} contient {_fr.plural(int(count), 'valeur')} avec des caractères "
                    f"mal décodés ({_example(str(example))}, ligne de données n° {row}). {ADVICE}"
                ),
                details={"count": int(count), "example": str(example), "suggestion": suggest(str(example))},
            )
        )
    return issues


CHECK = Check(name="mojibake", title="Encodage suspect (caractères mal décodés)", run=run, order=30)
