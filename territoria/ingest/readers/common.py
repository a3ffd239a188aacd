"""Helpers shared by the readers: column names, size limits, Parquet batches, DuckDB, zip safety."""

from __future__ import annotations

import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from territoria.ingest.readers.base import MAX_BYTES, MAX_ROW_BYTES, RawColumn, ReadError, ReadOptions
from territoria.quality.report import Issue

if TYPE_CHECKING:
    import pyarrow as pa

RAW_PARQUET = "raw.parquet"
ZIP_MAX_RATIO = 20
ZIP_MAX_TOTAL = 2 * 1024**3  # 2 GiB
ZIP_MAX_MEMBERS = 10_000
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def file_label(path: Path, options: ReadOptions) -> str:
    """The name a person knows the file by, for messages."""
    return options.file_name or path.name


def human_size(size: int) -> str:
    for unit, factor in (("Go", 1024**3), ("Mo", 1024**2), ("ko", 1024)):
        if size >= factor:
            return f"{size / factor:.1f} {unit}".replace(".", ",")
    return f"{size} octets"


def max_bytes(options: ReadOptions) -> int:
    return options.max_bytes or MAX_BYTES


def max_row_bytes(options: ReadOptions) -> int:
    return options.max_row_bytes or MAX_ROW_BYTES


def check_size(path: Path, options: ReadOptions) -> int:
    """Refuse files above the size limit; returns the size."""
    size = path.stat().st_size
    limit = max_bytes(options)
    if size > limit:
        raise ReadError(
            f"Le fichier « {file_label(path, options)} » pèse {human_size(size)}, au-delà de la limite de "
            f"{human_size(limit)}. Découpez-le en plusieurs fichiers ou demandez à l'administrateur de relever "
            "la limite."
        )
    if size == 0:
        raise ReadError(
            f"Le fichier « {file_label(path, options)} » est vide (0 octet). Vérifiez l'export puis rechargez-le."
        )
    return size


def row_too_long(name: str, line: int | None, limit: int) -> ReadError:
    where = f"la ligne {line}" if line else "une ligne"
    return ReadError(
        f"Dans « {name} », {where} dépasse {human_size(limit)}. Une ligne aussi longue vient en général d'un "
        "guillemet jamais refermé ou d'un fichier qui n'est pas un tableau : vérifiez les guillemets autour "
        "de cette ligne, ou le format du fichier.",
        row=line,
    )


def clean_name(label: str) -> str:
    """ "Code INSEE" → "code_insee": lower-case ASCII, accents dropped, other characters as "_"."""
    text = unicodedata.normalize("NFKD", label.translate(_LIGATURES).casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    name = _NOT_ALNUM.sub("_", text).strip("_")[:60].rstrip("_")
    if name and name[0].isdigit():
        name = "c_" + name
    return name


def make_columns(labels: Sequence[str], *, reserved: Iterable[str] = ()) -> tuple[list[RawColumn], list[Issue]]:
    """Unique clean names for ``labels`` (``reserved`` names are taken), with an issue per fix."""
    taken = set(reserved)
    seen_labels: dict[str, int] = {}
    columns: list[RawColumn] = []
    issues: list[Issue] = []
    for position, label in enumerate(labels, start=1):
        label = label if label is not None else ""
        stripped = label.strip()
        base = clean_name(stripped) or f"colonne_{position}"
        name, counter = base, 1
        while name in taken:
            counter += 1
            name = f"{base}_{counter}"
        taken.add(name)
        columns.append(RawColumn(name=name, label=label))
        if not stripped:
            issues.append(
                Issue(
                    code="empty-header",
                    message=f"La colonne n° {position} n'a pas de nom : elle a été appelée « {name} ». "
                    "Donnez-lui un nom dans le fichier source si elle contient des données.",
                    column=label,
                    details={"position": position, "name": name},
                )
            )
        elif stripped in seen_labels:
            issues.append(
                Issue(
                    code="duplicate-header",
                    message=f"Le nom de colonne « {stripped} » apparaît plusieurs fois (colonnes n° "
                    f"{seen_labels[stripped]} et {position}) : la colonne n° {position} a été appelée « {name} ». "
                    "Renommez l'une des deux dans le fichier source.",
                    column=label,
                    details={"position": position, "name": name},
                )
            )
        seen_labels.setdefault(stripped, position)
    return columns, issues


class ParquetRows:
    """Writes rows of text (or None) to a Parquet file in batches; every column is a string."""

    def __init__(self, path: Path, names: Sequence[str], batch_size: int = 10_000) -> None:
        import pyarrow as pa  # only the readers that build rows in Python need pyarrow (not CSV)
        import pyarrow.parquet as pq

        self._pa = pa
        self.path = path
        self.schema = pa.schema([pa.field(n, pa.string()) for n in names])
        self.batch_size = batch_size
        self.rows: list[Sequence[str | None]] = []
        self.count = 0
        self._writer = pq.ParquetWriter(path, self.schema, compression="zstd")

    def add(self, row: Sequence[str | None]) -> None:
        self.rows.append(row)
        if len(self.rows) >= self.batch_size:
            self.flush()

    def add_table(self, table: pa.Table) -> None:
        self.flush()
        self._writer.write_table(table.cast(self.schema))
        self.count += table.num_rows

    def flush(self) -> None:
        if not self.rows:
            return
        width = len(self.schema)
        columns = list(zip(*self.rows, strict=True)) if self.rows else [() for _ in range(width)]
        pa = self._pa
        arrays = [pa.array(col, type=pa.string()) for col in columns]
        self._writer.write_table(pa.Table.from_arrays(arrays, schema=self.schema))
        self.count += len(self.rows)
        self.rows = []

    def close(self) -> None:
        self.flush()
        self._writer.close()

    def __enter__(self) -> ParquetRows:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self._writer.close()


def sql_string(value: str | Path) -> str:
    """A SQL string literal (for file paths, which DuckDB does not take as parameters everywhere)."""
    return "'" + str(value).replace("'", "''") + "'"


def duckdb_connect(workdir: Path, *, memory_limit: str = "512MB", threads: int | None = None) -> Any:
    """An in-memory DuckDB connection that spills to ``workdir`` and stays under ``memory_limit``."""
    import duckdb

    tmp = workdir / "duckdb_tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    config: dict[str, Any] = {"memory_limit": memory_limit, "temp_directory": str(tmp)}
    if threads:
        config["threads"] = threads
    con = duckdb.connect(":memory:", config=config)
    con.execute("SET preserve_insertion_order = true")
    return con


def checked_zip_members(path: Path, options: ReadOptions) -> list[zipfile.ZipInfo]:
    """The members of a zip after refusing path tricks (zip slip) and zip bombs."""
    name = file_label(path, options)
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise ReadError(
            f"L'archive « {name} » est endommagée ou n'est pas un ZIP ({exc}). Recréez l'archive puis rechargez-la."
        ) from exc
    if len(infos) > ZIP_MAX_MEMBERS:
        raise ReadError(
            f"L'archive « {name} » contient {len(infos)} fichiers (limite {ZIP_MAX_MEMBERS}). "
            "Ne gardez que les fichiers du jeu de données."
        )
    for info in infos:
        member = info.filename
        parts = re.split(r"[\\/]", member)
        if member.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", member) or ".." in parts or "\x00" in member:
            raise ReadError(
                f"L'archive « {name} » contient un chemin dangereux (« {member} ») qui sortirait du dossier "
                "de l'archive. Elle a été refusée : recréez-la avec des chemins relatifs simples."
            )
    total = sum(i.file_size for i in infos)
    compressed = path.stat().st_size
    limit = min(max_bytes(options), ZIP_MAX_TOTAL)
    if total > ZIP_MAX_RATIO * max(compressed, 1) and total > limit:
        raise ReadError(
            f"L'archive « {name} » ({human_size(compressed)}) annonce {human_size(total)} une fois décompressée, "
            f"plus de {ZIP_MAX_RATIO} fois sa taille et plus de {human_size(limit)} : elle a été refusée (bombe de "
            "décompression possible). Envoyez les fichiers sans les compresser ou en plusieurs archives."
        )
    return infos
