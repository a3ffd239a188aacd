"""The DuckDB runner: bounded settings and JSON-ready values."""

from __future__ import annotations

import datetime as dt
import decimal

from territoria.records import engine


def test_connection_is_bounded_and_per_thread():
    con = engine.connection()
    assert con is engine.connection()
    assert con.execute("SELECT current_setting('threads')").fetchone() == (2,)
    limit = con.execute("SELECT current_setting('memory_limit')").fetchone()
    assert limit is not None and str(limit[0]).startswith(("488", "512"))
    assert con.execute("SELECT current_setting('autoload_known_extensions')").fetchone() == (False,)


def test_values_become_json_ready():
    assert engine.to_json(dt.date(2024, 3, 1)) == "2024-03-01"
    assert engine.to_json(dt.datetime(2024, 3, 1, 12, 30)) == "2024-03-01T12:30:00"
    assert engine.to_json(decimal.Decimal("12.50")) == 12.5
    assert engine.to_json(float("nan")) is None
    assert engine.to_json({"lon": 4.8, "lat": 45.7}) == {"lon": 4.8, "lat": 45.7}
    shape = '{"type": "Point", "coordinates": [4.8, 45.7]}'
    assert engine.to_json(shape, "geo_shape") == {"type": "Point", "coordinates": [4.8, 45.7]}
    assert engine.to_json(shape, "text") == shape
