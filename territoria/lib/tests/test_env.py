"""territoria.lib.env: strict parsing of TERRITORIA_* variables and database URLs."""

import pytest

from territoria.lib.env import Env, ImproperlyConfiguredEnv, parse_database_url


def test_reads_os_environ_by_default(monkeypatch):
    monkeypatch.setenv("TERRITORIA_TEST_VALUE", "  from-environ  ")
    assert Env().get_str("TERRITORIA_TEST_VALUE") == "from-environ"


def test_get_str_strips_and_defaults_on_missing_or_empty():
    env = Env({"A": "  x ", "EMPTY": "   "})
    assert env.get_str("A") == "x"
    assert env.get_str("EMPTY", "fallback") == "fallback"
    assert env.get_str("MISSING", "fallback") == "fallback"
    assert env.get_str("MISSING") == ""


@pytest.mark.parametrize("word", ["1", "true", "TRUE", "yes", "on", "oui", "Vrai", " true "])
def test_get_bool_true_words(word):
    assert Env({"B": word}).get_bool("B", default=False) is True


@pytest.mark.parametrize("word", ["0", "false", "False", "no", "off", "non", "faux", ""])
def test_get_bool_false_words(word):
    assert Env({"B": word}).get_bool("B", default=True) is False


def test_get_bool_missing_gives_the_default():
    assert Env({}).get_bool("B", default=True) is True
    assert Env({}).get_bool("B", default=False) is False


@pytest.mark.parametrize("word", ["maybe", "2", "vrai-ou-faux", "t"])
def test_get_bool_rejects_other_words_naming_the_variable(word):
    with pytest.raises(ImproperlyConfiguredEnv) as info:
        Env({"TERRITORIA_DEBUG": word}).get_bool("TERRITORIA_DEBUG")
    assert "TERRITORIA_DEBUG" in str(info.value)
    assert word in str(info.value)


def test_get_int_parses_and_checks_bounds():
    env = Env({"N": " 42 ", "LOW": "0", "HIGH": "10001", "BAD": "4x2", "EMPTY": ""})
    assert env.get_int("N", 1) == 42
    assert env.get_int("MISSING", 7) == 7
    assert env.get_int("EMPTY", 7) == 7
    with pytest.raises(ImproperlyConfiguredEnv, match="LOW=0: must be at least 1"):
        env.get_int("LOW", 5, minimum=1)
    with pytest.raises(ImproperlyConfiguredEnv, match="HIGH=10001: must be at most 10000"):
        env.get_int("HIGH", 5, maximum=10_000)
    with pytest.raises(ImproperlyConfiguredEnv, match="BAD='4x2': expected a whole number"):
        env.get_int("BAD", 5)


def test_get_int_bounds_are_inclusive():
    env = Env({"N": "10"})
    assert env.get_int("N", 0, minimum=10, maximum=10) == 10


def test_get_list_splits_on_commas_and_drops_blanks():
    env = Env({"HOSTS": " data.example.org, ,www.example.org ,", "EMPTY": ""})
    assert env.get_list("HOSTS") == ["data.example.org", "www.example.org"]
    assert env.get_list("EMPTY", ["localhost"]) == ["localhost"]
    assert env.get_list("MISSING") == []


def test_get_list_default_is_copied():
    default = ["a"]
    result = Env({}).get_list("MISSING", default)
    result.append("b")
    assert default == ["a"]


def test_get_choice_is_case_insensitive_and_strict():
    env = Env({"ENV": "Production", "BAD": "staging"})
    assert env.get_choice("ENV", ("development", "production"), "development") == "production"
    assert env.get_choice("MISSING", ("development", "production"), "development") == "development"
    with pytest.raises(ImproperlyConfiguredEnv) as info:
        env.get_choice("BAD", ("development", "production"), "development")
    assert "BAD='staging'" in str(info.value)
    assert "development, production" in str(info.value)


def test_the_error_is_a_value_error():
    assert issubclass(ImproperlyConfiguredEnv, ValueError)


# parse_database_url


def test_sqlite_relative_path_is_under_base_dir():
    entry = parse_database_url("sqlite:///territoria.sqlite3", base_dir="/srv/territoria/var")
    assert entry["ENGINE"] == "django.db.backends.sqlite3"
    assert entry["NAME"] == "/srv/territoria/var/territoria.sqlite3"


def test_sqlite_relative_subfolder():
    entry = parse_database_url("sqlite:///db/main.sqlite3", base_dir="/data")
    assert entry["NAME"] == "/data/db/main.sqlite3"


def test_sqlite_absolute_path_with_four_slashes():
    entry = parse_database_url("sqlite:////var/lib/territoria/db.sqlite3", base_dir="/elsewhere")
    assert entry["NAME"] == "/var/lib/territoria/db.sqlite3"


def test_sqlite_memory():
    assert parse_database_url("sqlite:///:memory:", base_dir="/x")["NAME"] == ":memory:"


def test_sqlite_percent_encoded_path():
    assert parse_database_url("sqlite:////srv/my%20db.sqlite3")["NAME"] == "/srv/my db.sqlite3"


def test_sqlite_gets_wal_and_immediate_transactions():
    options = parse_database_url("sqlite:////tmp/x.sqlite3")["OPTIONS"]
    assert "journal_mode=WAL" in options["init_command"]
    assert "busy_timeout" in options["init_command"]
    assert options["transaction_mode"] == "IMMEDIATE"


def test_sqlite_without_a_path_is_refused():
    with pytest.raises(ImproperlyConfiguredEnv, match="needs a file path"):
        parse_database_url("sqlite://")


def test_postgresql_with_user_password_host_port_and_options():
    entry = parse_database_url(
        "postgresql://territoria:p%40ss%3Aword@db.example.org:6543/portail?sslmode=require&conn_max_age=0"
    )
    assert entry["ENGINE"] == "django.db.backends.postgresql"
    assert entry["NAME"] == "portail"
    assert entry["USER"] == "territoria"
    assert entry["PASSWORD"] == "p@ss:word"
    assert entry["HOST"] == "db.example.org"
    assert entry["PORT"] == "6543"
    assert entry["CONN_MAX_AGE"] == 0
    assert entry["CONN_HEALTH_CHECKS"] is True
    assert entry["OPTIONS"] == {"sslmode": "require"}


def test_postgresql_minimal_url_defaults():
    entry = parse_database_url("postgres://localhost/territoria")
    assert entry["NAME"] == "territoria"
    assert entry["USER"] == ""
    assert entry["PASSWORD"] == ""
    assert entry["HOST"] == "localhost"
    assert entry["PORT"] == ""
    assert entry["CONN_MAX_AGE"] == 60
    assert "OPTIONS" not in entry


def test_postgresql_socket_url_without_host():
    entry = parse_database_url("postgresql:///territoria")
    assert (entry["NAME"], entry["HOST"]) == ("territoria", "")


def test_pgsql_scheme_alias_and_scheme_case():
    assert parse_database_url("PGSQL://u@h/db")["ENGINE"] == "django.db.backends.postgresql"


def test_postgresql_without_database_name_is_refused():
    with pytest.raises(ImproperlyConfiguredEnv, match="needs a database name"):
        parse_database_url("postgresql://user@host:5432/")


@pytest.mark.parametrize("url", ["mysql://x", "oracle://u@h/db", "territoria.sqlite3", ""])
def test_unsupported_schemes_are_refused(url):
    with pytest.raises(ImproperlyConfiguredEnv, match="unsupported scheme"):
        parse_database_url(url)


@pytest.mark.parametrize(
    "url",
    ["postgresql://u@db.example.org:notaport/territoria", "postgresql://u@h/territoria?conn_max_age=soon"],
)
def test_postgresql_bad_numbers_are_configuration_errors(url):
    with pytest.raises(ImproperlyConfiguredEnv):
        parse_database_url(url)
