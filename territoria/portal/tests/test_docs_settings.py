"""docs/admin/configuration.md names every TERRITORIA_* variable the code reads, and no other.

The code side is every ``TERRITORIA_[A-Z0-9_]+`` name written in ``territoria/**/*.py`` (tests
excluded) and in the Makefile. A name ending with ``_`` (``TERRITORIA_SERVE_*`` in a docstring)
is a family prefix, not a variable: it only has to be covered by some documented name.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "territoria"
MAKEFILE = ROOT / "Makefile"
DOC = ROOT / "docs" / "admin" / "configuration.md"
NAME = re.compile(r"TERRITORIA_[A-Z0-9_]+")


def _is_test_file(path: Path) -> bool:
    parts = path.relative_to(PACKAGE).parts
    return "tests" in parts or path.name.startswith("test_") or path.name == "conftest.py"


def _names(text: str) -> set[str]:
    return set(NAME.findall(text))


def code_names() -> dict[str, set[str]]:
    """{name: files that mention it} for the code (tests excluded) and the Makefile."""
    found: dict[str, set[str]] = {}
    sources = [p for p in sorted(PACKAGE.rglob("*.py")) if not _is_test_file(p)]
    if MAKEFILE.exists():
        sources.append(MAKEFILE)
    for path in sources:
        for name in _names(path.read_text(encoding="utf-8")):
            found.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return found


def doc_names() -> set[str]:
    return _names(DOC.read_text(encoding="utf-8"))


def _variables(names: set[str]) -> set[str]:
    return {n for n in names if not n.endswith("_")}


def _prefixes(names: set[str]) -> set[str]:
    return {n for n in names if n.endswith("_")}


def test_the_scan_finds_the_settings() -> None:
    """Guards the test itself: a broken scan would make both tests below pass vacuously."""
    names = code_names()
    assert {"TERRITORIA_ENV", "TERRITORIA_SECRET_KEY", "TERRITORIA_DATABASE_URL"} <= set(names)
    assert "territoria/settings.py" in names["TERRITORIA_ENV"]


def test_every_variable_read_by_the_code_is_documented() -> None:
    code = code_names()
    documented = doc_names()
    missing = sorted(_variables(set(code)) - documented)
    uncovered = sorted(p for p in _prefixes(set(code)) if not any(d.startswith(p) for d in documented))
    problems = [f"{name} (read in {', '.join(sorted(code[name]))})" for name in missing + uncovered]
    assert not problems, (
        "Variables read by the code but missing from docs/admin/configuration.md — add one row each "
        "(meaning, default, accepted values, example):\n  " + "\n  ".join(problems)
    )


def test_the_documentation_names_no_variable_the_code_no_longer_reads() -> None:
    code = set(code_names())
    stale = sorted(_variables(doc_names()) - _variables(code))
    assert not stale, (
        "docs/admin/configuration.md mentions variables that no code reads any more — remove or rename them:\n  "
        + "\n  ".join(stale)
    )
