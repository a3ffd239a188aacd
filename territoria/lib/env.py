"""Small, strict parsers for settings read from the environment.

Each parser fails loudly (``ImproperlyConfiguredEnv``) on a value it cannot
understand, naming the variable and what was expected, instead of silently
falling back to a default. Framework-free: no Django import here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from urllib.parse import parse_qs, unquote, urlsplit

TRUE_WORDS = {"1", "true", "yes", "on", "oui", "vrai"}
FALSE_WORDS = {"0", "false", "no", "off", "non", "faux", ""}


class ImproperlyConfiguredEnv(ValueError):
    """A TERRITORIA_* variable holds a value that cannot be used."""


class Env:
    """Reads variables from a mapping (``os.environ`` by default)."""

    def __init__(self, source: Mapping[str, str] | None = None) -> None:
        self.source: Mapping[str, str] = os.environ if source is None else source

    def raw(self, name: str) -> str | None:
        value = self.source.get(name)
        return None if value is None else value.strip()

    def get_str(self, name: str, default: str = "") -> str:
        value = self.raw(name)
        return default if value is None or value == "" else value

    def get_bool(self, name: str, default: bool = False) -> bool:
        value = self.raw(name)
        if value is None:
            return default
        word = value.lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ImproperlyConfiguredEnv(f"{name}={value!r}: expected a boolean (true/false, 1/0, yes/no)")

    def get_int(self, name: str, default: int, minimum: int | None = None, maximum: int | None = None) -> int:
        value = self.raw(name)
        if value is None or value == "":
            return default
        try:
            number = int(value)
        except ValueError:
            raise ImproperlyConfiguredEnv(f"{name}={value!r}: expected a whole number") from None
        if minimum is not None and number < minimum:
            raise ImproperlyConfiguredEnv(f"{name}={number}: must be at least {minimum}")
        if maximum is not None and number > maximum:
            raise ImproperlyConfiguredEnv(f"{name}={number}: must be at most {maximum}")
        return number

    def get_list(self, name: str, default: list[str] | None = None) -> list[str]:
        value = self.raw(name)
        if value is None or value == "":
            return list(default or [])
        return [item.strip() for item in value.split(",") if item.strip()]

    def get_choice(self, name: str, choices: tuple[str, ...], default: str) -> str:
        value = self.get_str(name, default).lower()
        if value not in choices:
            raise ImproperlyConfiguredEnv(f"{name}={value!r}: expected one of {', '.join(choices)}")
        return value


def parse_database_url(url: str, *, base_dir: str = ".") -> dict[str, object]:
    """Turn ``sqlite:///path`` or ``postgresql://user:pw@host:port/name`` into a Django DATABASES entry."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        path = unquote(parts.path)
        if path.startswith("//") or path.startswith("/"):  # sqlite:////abs/path
            path = path[1:]
        if not path:
            raise ImproperlyConfiguredEnv("database URL: a SQLite URL needs a file path")
        if path != ":memory:" and not os.path.isabs(path):
            path = os.path.join(base_dir, path)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path,
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
                "transaction_mode": "IMMEDIATE",
            },
            "CONN_MAX_AGE": 600,
            "CONN_HEALTH_CHECKS": True,
        }
    if scheme in {"postgres", "postgresql", "pgsql"}:
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ImproperlyConfiguredEnv("database URL: a PostgreSQL URL needs a database name")
        options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        try:
            port = parts.port
            conn_max_age = int(options.pop("conn_max_age", "60"))
        except ValueError:
            raise ImproperlyConfiguredEnv("database URL: the port and conn_max_age must be whole numbers") from None
        entry: dict[str, object] = {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(port or ""),
            "CONN_MAX_AGE": conn_max_age,
            "CONN_HEALTH_CHECKS": True,
        }
        if options:
            entry["OPTIONS"] = options
        return entry
    raise ImproperlyConfiguredEnv(
        f"database URL: unsupported scheme {scheme or '(none)'!r}; use sqlite:/// or postgresql://"
    )
