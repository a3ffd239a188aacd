"""Seeded generator of a realistic hourly air-quality CSV, in two variants written from the same rows.

- ``utf8``: UTF-8, ``,`` separator, decimal points, ISO timestamps (``2023-01-15T08:00:00``), ``\\n``;
- ``french``: what Excel writes on a French Windows: cp1252, ``;`` separator, decimal commas,
  ``15/01/2023 08:00`` timestamps, ``\\r\\n``.

Columns: id, station_id, station_name, commune, code_insee, timestamp, pollutant, value, unit, latitude,
longitude, comment. Stations carry French accents and dashes ("Saint-Étienne — Fauriel"), INSEE codes
leading zeros ("01053", "07186") and Corsica's letters ("2A004", "2B033"); about 1.5 % of the values are
missing (empty cell, with a comment saying why) and about 3 % of the rows carry a comment, some with the
separators and quotes of either variant inside.

Rows are produced one at a time and written in chunks: memory stays constant whatever the row count.
A few rows (about 1,000, evenly spaced) are kept with their expected typed values, for the checks.

Usage: python bench/ingest_data.py ROWS OUT_DIR   (writes readings-utf8.csv and readings-fr.csv)
"""

from __future__ import annotations

import csv
import math
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

COLUMNS = (
    "id",
    "station_id",
    "station_name",
    "commune",
    "code_insee",
    "timestamp",
    "pollutant",
    "value",
    "unit",
    "latitude",
    "longitude",
    "comment",
)
UNIT = "µg/m³"
START = datetime(2023, 1, 1)
CHUNK_ROWS = 10_000
SAMPLE_ROWS = 1_000
UTF8_NAME = "readings-utf8.csv"
FRENCH_NAME = "readings-fr.csv"

TRAFFIC, URBAN, RURAL = "trafic", "urbaine", "rurale"
POLLUTANTS_BY_KIND = {
    TRAFFIC: ("NO2", "PM10", "PM2.5"),
    URBAN: ("NO2", "O3", "PM10", "PM2.5"),
    RURAL: ("O3", "PM10"),
}


@dataclass(frozen=True)
class Station:
    code: str
    name: str
    commune: str
    insee: str
    latitude: float
    longitude: float
    kind: str


# Plausible stations of the regional networks (codes invented, places real), overseas included.
STATIONS = (
    Station("FR07052", "Bourg-en-Bresse — Centre", "Bourg-en-Bresse", "01053", 46.20521, 5.22553, URBAN),
    Station("FR07010", "Ambérieu-en-Bugey — Gare", "Ambérieu-en-Bugey", "01004", 45.95804, 5.35971, TRAFFIC),
    Station("FR07031", "Privas — Rue Élie-Reclus", "Privas", "07186", 44.73532, 4.59921, URBAN),
    Station("FR07045", "Saint-Étienne — Fauriel", "Saint-Étienne", "42218", 45.42352, 4.39204, URBAN),
    Station("FR07046", "Saint-Étienne — Boulevard Jules-Janin", "Saint-Étienne", "42218", 45.44418, 4.38727, TRAFFIC),
    Station("FR20004", "Lyon — Gerland", "Lyon", "69123", 45.73391, 4.83035, URBAN),
    Station("FR20062", "Lyon — Périphérique Est", "Lyon", "69123", 45.76812, 4.90518, TRAFFIC),
    Station("FR04143", "Paris — Boulevard Haussmann", "Paris", "75056", 48.87382, 2.32981, TRAFFIC),
    Station("FR04055", "Paris 18e — Église de la Chapelle", "Paris", "75056", 48.89201, 2.35993, URBAN),
    Station("FR03043", "Marseille — Cinq-Avenues", "Marseille", "13055", 43.30612, 5.39583, URBAN),
    Station("FR03045", "Marseille — Place Verneuil, Longchamp", "Marseille", "13055", 43.30488, 5.39402, TRAFFIC),
    Station("FR24036", "Nice — Promenade des Anglais", "Nice", "06088", 43.69503, 7.26401, TRAFFIC),
    Station("FR24010", "Gap — Jean-Jaurès", "Gap", "05061", 44.55941, 6.07862, URBAN),
    Station("FR24020", "Digne-les-Bains — Lycée", "Digne-les-Bains", "04070", 44.09251, 6.23563, URBAN),
    Station("FR33102", "Ajaccio — Canetto", "Ajaccio", "2A004", 41.91924, 8.73861, URBAN),
    Station("FR33120", "Bastia — Giraud", "Bastia", "2B033", 42.69705, 9.45092, URBAN),
    Station("FR33130", "Sorbo-Ocagnano — Rural", "Sorbo-Ocagnano", "2B286", 42.47011, 9.46523, RURAL),
    Station("FR12021", "Toulouse — Périphérique", "Toulouse", "31555", 43.57834, 1.43602, TRAFFIC),
    Station("FR12034", "Foix — Centre", "Foix", "09122", 42.96507, 1.60704, URBAN),
    Station("FR31002", "Bordeaux — Grand-Parc", "Bordeaux", "33063", 44.85403, -0.57806, URBAN),
    Station("FR23078", "Nantes — Bouteillerie", "Nantes", "44109", 47.21806, -1.53902, URBAN),
    Station("FR19011", "Rennes — Pays-Bas", "Rennes", "35238", 48.08804, -1.64607, URBAN),
    Station("FR11016", "Lille — Fives", "Lille", "59350", 50.62807, 3.09005, URBAN),
    Station("FR01011", "Strasbourg — Clémenceau", "Strasbourg", "67482", 48.58903, 7.74808, TRAFFIC),
    Station("FR08614", "Montpellier — Près d'Arènes", "Montpellier", "34172", 43.59204, 3.88406, URBAN),
    Station("FR15043", "Grenoble — Les Frênes", "Grenoble", "38185", 45.16208, 5.73507, URBAN),
    Station("FR07020", "Clermont-Ferrand — Montferrand", "Clermont-Ferrand", "63113", 45.79602, 3.11401, URBAN),
    Station("FR34012", "Limoges — Présidial", "Limoges", "87085", 45.83306, 1.26208, URBAN),
    Station("FR25040", "Dijon — Péjoces", "Dijon", "21231", 47.32001, 5.06009, URBAN),
    Station("FR25043", "Besançon — Prévoyance", "Besançon", "25056", 47.24707, 6.02304, URBAN),
    Station("FR09302", "Châlons-en-Champagne — Centre", "Châlons-en-Champagne", "51108", 48.95603, 4.36305, URBAN),
    Station("FR28010", "Évreux — Centre", "Évreux", "27229", 49.02408, 1.15102, URBAN),
    Station("FR10041", "Orléans — La Source", "Orléans", "45234", 47.83903, 1.94306, URBAN),
    Station("FR16017", "Aurillac — Lycée Émile-Duclaux", "Aurillac", "15014", 44.92605, 2.44007, URBAN),
    Station("FR07032", "Annecy — Novel", "Annecy", "74010", 45.91702, 6.12808, URBAN),
    Station("FR36001", "Peyrusse-Vieille — Rural", "Peyrusse-Vieille", "32315", 43.63014, 0.18105, RURAL),
    Station("FR38012", "Saint-Denis — Lislet Geoffroy", "Saint-Denis", "97411", -20.89007, 55.45106, URBAN),
    Station("FR39008", "Fort-de-France — Lycée Schœlcher", "Fort-de-France", "97209", 14.60404, -61.07303, URBAN),
)

# (base level µg/m³ by station kind, peak hours, winter factor)
LEVELS = {
    "NO2": ({TRAFFIC: 38.0, URBAN: 19.0, RURAL: 5.0}, (8, 19), 1.35),
    "PM10": ({TRAFFIC: 24.0, URBAN: 18.0, RURAL: 12.0}, (9, 20), 1.25),
    "PM2.5": ({TRAFFIC: 14.0, URBAN: 10.5, RURAL: 7.0}, (9, 21), 1.4),
    "O3": ({TRAFFIC: 40.0, URBAN: 52.0, RURAL: 64.0}, (15,), 0.65),
}
MISSING_SHARE = 0.015
COMMENT_SHARE = 0.015  # on top of the comments that explain a missing value
MISSING_COMMENTS = (
    "Donnée manquante : analyseur en maintenance",
    "Valeur invalidée (étalonnage)",
    "Panne d'alimentation ; mesure interrompue",
)
COMMENTS = (
    "Valeur provisoire, non validée",
    "Épisode de pollution ; procédure « information-recommandation » déclenchée",
    'Dépassement du seuil "information"',
    "Brûlage de déchets verts signalé à proximité",
    "Travaux sur la voirie, circulation déviée",
    "Vent de sable saharien — particules d'origine naturelle",
)


@dataclass(frozen=True)
class Reading:
    id: int
    station: Station
    hour: datetime
    pollutant: str
    value: float | None
    comment: str

    def expected(self) -> dict[str, Any]:
        """The typed values both variants must give once ingested (None for an empty cell)."""
        s = self.station
        return {
            "id": self.id,
            "station_id": s.code,
            "station_name": s.name,
            "commune": s.commune,
            "code_insee": s.insee,
            "timestamp": self.hour,
            "pollutant": self.pollutant,
            "value": self.value,
            "unit": UNIT,
            "latitude": s.latitude,
            "longitude": s.longitude,
            "comment": self.comment or None,
        }


@dataclass
class Generated:
    rows: int = 0
    missing_values: int = 0
    comments: int = 0
    series: int = 0
    first_hour: str = ""
    last_hour: str = ""
    bytes: dict[str, int] = field(default_factory=dict)
    sample: list[dict[str, Any]] = field(default_factory=list)  # Reading.expected() of evenly spaced rows

    def as_json(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "series": self.series,
            "stations": len(STATIONS),
            "missing_values": self.missing_values,
            "comments": self.comments,
            "hours": [self.first_hour, self.last_hour],
            "bytes": self.bytes,
            "sample_rows": len(self.sample),
        }


def series() -> list[tuple[Station, str]]:
    return [(s, p) for s in STATIONS for p in POLLUTANTS_BY_KIND[s.kind]]


def level(station: Station, pollutant: str, hour: datetime, rng: random.Random) -> float:
    """A plausible hourly concentration: daily peaks, season, log-normal noise, one decimal."""
    base, peaks, winter = LEVELS[pollutant]
    daily = 0.55 + sum(0.75 * math.exp(-(((hour.hour - p) / 2.5) ** 2)) for p in peaks)
    season = 1 + (winter - 1) * math.cos(2 * math.pi * (hour.timetuple().tm_yday - 15) / 365)
    value = base[station.kind] * daily * season * rng.lognormvariate(0, 0.35)
    return round(max(value, 0.0), 1)


def readings(n: int, seed: int = 42) -> Iterator[Reading]:
    """``n`` readings, hour after hour, every (station, pollutant) series each hour."""
    rng = random.Random(seed)
    all_series = series()
    produced, hour = 0, START
    while produced < n:
        for station, pollutant in all_series:
            if produced == n:
                return
            produced += 1
            if rng.random() < MISSING_SHARE:
                yield Reading(produced, station, hour, pollutant, None, rng.choice(MISSING_COMMENTS))
                continue
            value = level(station, pollutant, hour, rng)
            comment = rng.choice(COMMENTS) if rng.random() < COMMENT_SHARE else ""
            yield Reading(produced, station, hour, pollutant, value, comment)
        hour += timedelta(hours=1)


def _decimal(value: float, digits: int, comma: bool) -> str:
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if comma else text


def row(r: Reading, *, french: bool) -> list[str]:
    s = r.station
    if french:
        stamp = f"{r.hour.day:02d}/{r.hour.month:02d}/{r.hour.year} {r.hour.hour:02d}:00"
    else:
        stamp = r.hour.isoformat(timespec="seconds")
    value = "" if r.value is None else _decimal(r.value, 1, french)
    return [
        str(r.id),
        s.code,
        s.name,
        s.commune,
        s.insee,
        stamp,
        r.pollutant,
        value,
        UNIT,
        _decimal(s.latitude, 5, french),
        _decimal(s.longitude, 5, french),
        r.comment,
    ]


def write(n: int, out_dir: Path, seed: int = 42) -> tuple[Path, Path, Generated]:
    """Write both variants of the same ``n`` rows into ``out_dir``; chunks of CHUNK_ROWS rows."""
    utf8_path, french_path = out_dir / UTF8_NAME, out_dir / FRENCH_NAME
    generated = Generated(series=len(series()))
    every = max(n // SAMPLE_ROWS, 1)
    with (
        open(utf8_path, "w", encoding="utf-8", newline="") as utf8_file,
        open(french_path, "w", encoding="cp1252", newline="") as french_file,
    ):
        utf8 = csv.writer(utf8_file, lineterminator="\n")
        french = csv.writer(french_file, delimiter=";", lineterminator="\r\n")
        utf8.writerow(COLUMNS)
        french.writerow(COLUMNS)
        utf8_chunk: list[list[str]] = []
        french_chunk: list[list[str]] = []
        for reading in readings(n, seed):
            utf8_chunk.append(row(reading, french=False))
            french_chunk.append(row(reading, french=True))
            generated.rows += 1
            generated.missing_values += reading.value is None
            generated.comments += bool(reading.comment)
            if reading.id == 1:
                generated.first_hour = reading.hour.isoformat()
            if reading.id % every == 0 or reading.id in (1, n):
                generated.sample.append(reading.expected())
            if len(utf8_chunk) == CHUNK_ROWS:
                utf8.writerows(utf8_chunk)
                french.writerows(french_chunk)
                utf8_chunk.clear()
                french_chunk.clear()
        utf8.writerows(utf8_chunk)
        french.writerows(french_chunk)
        if generated.rows:
            generated.last_hour = reading.hour.isoformat()
    generated.bytes = {"utf8": utf8_path.stat().st_size, "french": french_path.stat().st_size}
    return utf8_path, french_path, generated


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    rows_wanted, folder = int(sys.argv[1]), Path(sys.argv[2])
    folder.mkdir(parents=True, exist_ok=True)
    *paths, summary = write(rows_wanted, folder)
    print(summary.as_json(), *paths)
