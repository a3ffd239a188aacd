"""JSON (array of objects, or an object holding one) and JSON Lines → raw Parquet, with DuckDB.

Columns are the union of the objects' keys in first-seen order; nested objects and arrays are kept
as JSON text; scalars become their text (``"01234"`` stays ``01234``).
"""

from __future__ import annotations

import codecs
import contextlib
from pathlib import Path
from typing import Any

import duckdb

from territoria.ingest.readers.base import (
    DEFAULT_OPTIONS,
    Progress,
    RawColumn,
    RawTable,
    ReadError,
    ReadOptions,
    no_progress,
)
from territoria.ingest.readers.common import (
    RAW_PARQUET,
    check_size,
    duckdb_connect,
    file_label,
    make_columns,
    max_row_bytes,
    sql_string,
)
from territoria.ingest.sniff import detect_encoding, detect_format
from territoria.quality.report import Issue

FORMATS = ("json", "jsonl")
LIST_KEYS = ("results", "records", "data", "items", "features", "rows")
_MAX_DEPTH = 3


def _pointer(*keys: str) -> str:
    """A JSON Pointer (RFC 6901): works for keys with dots, quotes or dashes."""
    return "".join("/" + k.replace("~", "~0").replace("/", "~1") for k in keys)


def _find_list(con: Any, source: str) -> tuple[list[str], list[str]]:
    """Keys leading from the top object to its list of records, and the other lists seen on the way."""
    path: list[str] = []
    for _ in range(_MAX_DEPTH):
        row = con.execute(
            f"SELECT json_keys(json, {sql_string(_pointer(*path) or '$')}) FROM {source}"  # noqa: S608
        ).fetchone()
        keys = list(row[0]) if row and row[0] else []
        kinds = {}
        for key in keys:
            found = con.execute(f"SELECT json_type(json, {sql_string(_pointer(*path, key))}) FROM {source}").fetchone()  # noqa: S608
            kinds[key] = found[0] if found else None
        lists = [k for k in keys if kinds[k] == "ARRAY"]
        preferred = [k for k in LIST_KEYS if k in lists] + lists
        if preferred:
            return [*path, preferred[0]], [k for k in lists if k != preferred[0]]
        objects = [k for k in keys if kinds[k] == "OBJECT"]
        if len(objects) != 1:
            break
        path.append(objects[0])
    return path, []


def _reader(path: Path, kind: str, size: int) -> str:
    if kind == "jsonl":
        return f"read_json_objects({sql_string(path)}, format='newline_delimited', ignore_errors=false)"
    return f"read_json_objects({sql_string(path)}, format='{kind}', maximum_object_size={max(size + 1, 16_777_216)})"


def _kind(path: Path, name: str) -> str:
    with open(path, "rb") as fh:
        head = fh.read(65_536)
    encoding = detect_encoding(head)
    if encoding not in ("utf-8", "utf-8-sig"):
        raise ReadError(
            f"Le fichier JSON « {name} » n'est pas en UTF-8 ({encoding}) alors que JSON l'exige. "
            "Enregistrez-le en UTF-8 puis rechargez-le."
        )
    text = codecs.decode(head, encoding, errors="replace").lstrip("\ufeff \t\r\n")
    if text.startswith("["):
        return "array"
    fmt = detect_format(path, name)
    if fmt == "jsonl":
        return "jsonl"
    if text.startswith("{"):
        return "unstructured"
    raise ReadError(f"« {name} » n'est pas un fichier JSON (il devrait commencer par « [ » ou « {{ »).")


def read(
    path: Path, workdir: Path, *, options: ReadOptions = DEFAULT_OPTIONS, progress: Progress = no_progress
) -> RawTable:
    """Read records from a JSON or JSON Lines file into ``workdir/raw.parquet``."""
    name = file_label(path, options)
    size = check_size(path, options)
    workdir.mkdir(parents=True, exist_ok=True)
    kind = _kind(path, name)
    con = duckdb_connect(workdir)
    try:
        return _read(con, path, workdir, kind, size, options, name, progress)
    except duckdb.Error as exc:  # malformed JSON, object too large…
        if isinstance(exc, duckdb.BinderException | duckdb.ParserException | duckdb.CatalogException):
            raise  # a bug here, not a bad file
        first = str(exc).splitlines()[0]
        raise ReadError(
            f"Le JSON de « {name} » est invalide ou trop imbriqué ({first}). Vérifiez-le avec un validateur JSON "
            "(virgules, accolades, guillemets) puis rechargez-le."
        ) from exc
    finally:
        con.close()
        with contextlib.suppress(OSError):
            (workdir / "duckdb_tmp").rmdir()


def _read(
    con: Any, path: Path, workdir: Path, kind: str, size: int, options: ReadOptions, name: str, progress: Progress
) -> RawTable:
    issues: list[Issue] = []
    source_info: dict[str, Any] = {"format": "jsonl" if kind == "jsonl" else "json", "file_name": name}
    reader = _reader(path, kind, size)
    if kind == "unstructured":
        keys, others = _find_list(con, reader)
        if not keys:
            items = f"(SELECT json AS item FROM {reader})"  # noqa: S608 - one object: one record
        else:
            pointer = sql_string(_pointer(*keys))
            items = f"(SELECT unnest(json_extract(json, {pointer})::JSON[]) AS item FROM {reader})"  # noqa: S608
            source_info["records_path"] = "/".join(keys)
            if others:
                source_info["other_lists"] = others
                issues.append(
                    Issue(
                        code="json-other-lists",
                        severity="info",
                        message=f"Le fichier contient d'autres listes ({', '.join(others)}) : seule « {keys[-1]} » "
                        "a été lue. Publiez les autres dans des jeux de données séparés si besoin.",
                    )
                )
    else:
        items = f"(SELECT json AS item FROM {reader})"  # noqa: S608
    con.execute(f"CREATE TEMP TABLE items AS SELECT row_number() OVER () AS i, item AS j FROM {items}")  # noqa: S608
    limit = max_row_bytes(options)
    too_long = con.execute("SELECT min(i) FROM items WHERE strlen(j::VARCHAR) > ?", [limit]).fetchone()
    if too_long and too_long[0] is not None:
        raise ReadError(
            f"L'enregistrement n° {too_long[0]} de « {name} » dépasse {limit // 1024} ko. Un enregistrement aussi "
            "gros n'est pas une ligne de tableau : vérifiez la structure du fichier.",
            row=int(too_long[0]),
        )
    not_objects = con.execute("SELECT count(*), min(i) FROM items WHERE json_type(j) <> 'OBJECT'").fetchone() or (
        0,
        None,
    )
    total = (con.execute("SELECT count(*) FROM items").fetchone() or (0,))[0]
    keys = [
        r[0]
        for r in con.execute(
            """SELECT k FROM (SELECT i, unnest(json_keys(j)) AS k, unnest(range(len(json_keys(j)))) AS pos
               FROM items WHERE json_type(j) = 'OBJECT') GROUP BY k ORDER BY min([i, pos])"""
        ).fetchall()
    ]
    scalar_column = not_objects[0] == total and total > 0
    if scalar_column:
        columns = [RawColumn(name="valeur", label="valeur")]
        selects = ["CASE WHEN json_type(j) IN ('OBJECT', 'ARRAY') THEN j::VARCHAR ELSE json_extract_string(j, '$') END"]
    else:
        columns, header_issues = make_columns(keys)
        issues.extend(header_issues)
        selects = [
            f"CASE WHEN json_type(j, {p}) IN ('OBJECT', 'ARRAY') THEN json_extract(j, {p})::VARCHAR "
            f"ELSE json_extract_string(j, {p}) END"
            for p in (sql_string(_pointer(k)) for k in keys)
        ]
        if not_objects[0] and not_objects[1] is not None:
            issues.append(
                Issue(
                    code="json-not-object",
                    row=int(not_objects[1]),
                    message=f"{not_objects[0]} élément(s) de la liste ne sont pas des objets (premier : n° "
                    f"{not_objects[1]}) : ils donnent des lignes vides. Vérifiez la structure du fichier.",
                    details={"count": int(not_objects[0])},
                )
            )
    if not columns:
        raise ReadError(f"« {name} » ne contient aucun enregistrement (liste vide ou objets sans clé).")
    body = ", ".join(f'{s} AS "{c.name}"' for s, c in zip(selects, columns, strict=True))
    out = workdir / RAW_PARQUET
    con.execute(f"COPY (SELECT {body} FROM items ORDER BY i) TO {sql_string(out)} (FORMAT parquet, COMPRESSION zstd)")  # noqa: S608
    progress("lecture", int(total))
    return RawTable(path=out, columns=columns, row_count=int(total), source=source_info, issues=issues)
