"""territoria.cli: the ``territoria`` console command."""

import subprocess
import sys
from pathlib import Path

import pytest

from territoria import cli

ROOT = Path(cli.__file__).resolve().parents[1]


@pytest.mark.parametrize("argv", [[], ["--help"], ["-h"]])
def test_help_prints_usage(argv, capsys):
    cli.main(argv)
    out = capsys.readouterr().out
    assert out.startswith("Usage: territoria COMMAND")
    for command in ("migrate", "demo", "serve", "createsuperuser", "help"):
        assert f"\n  {command} " in out


def test_console_script_help_in_a_subprocess():
    script = Path(sys.executable).parent / "territoria"
    argv = [str(script), "--help"] if script.exists() else [sys.executable, "-m", "territoria.cli", "--help"]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=60, cwd=ROOT, check=False)  # noqa: S603
    assert result.returncode == 0, result.stderr
    assert "Usage: territoria COMMAND" in result.stdout


def test_main_runs_django_check(capsys):
    cli.main(["check"])
    assert "System check identified no issues" in capsys.readouterr().out


def test_unknown_command_fails_like_django(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["no-such-command"])
    assert info.value.code == 1
    assert "Unknown command: 'no-such-command'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "django_argv"),
    [
        (["demo"], ["territoria", "load_demo"]),
        (["demo", "-v", "2"], ["territoria", "load_demo", "-v", "2"]),
        (["migrate", "--no-input"], ["territoria", "migrate", "--no-input"]),
        (["check", "--deploy"], ["territoria", "check", "--deploy"]),
        (["createsuperuser"], ["territoria", "createsuperuser"]),
    ],
)
def test_commands_are_passed_to_django(argv, django_argv, monkeypatch):
    calls = []
    monkeypatch.setattr(cli, "run_django", calls.append)
    cli.main(argv)
    assert calls == [django_argv]


def test_serve_passes_extra_arguments(monkeypatch):
    calls = []
    monkeypatch.setattr(cli, "serve", calls.append)
    cli.main(["serve", "--timeout", "60"])
    assert calls == [["--timeout", "60"]]


def test_serve_builds_the_gunicorn_command_line(monkeypatch):
    import gunicorn.app.wsgiapp

    seen = []
    monkeypatch.setattr(gunicorn.app.wsgiapp, "run", lambda: seen.append(list(sys.argv)))
    monkeypatch.setattr(sys, "argv", ["territoria", "serve"])
    monkeypatch.setenv("TERRITORIA_SERVE_WORKERS", "5")
    monkeypatch.setenv("TERRITORIA_SERVE_BIND", "0.0.0.0:9000")
    cli.serve(["--timeout", "60"])
    (argv,) = seen
    assert argv[:2] == ["gunicorn", "territoria.wsgi:application"]
    assert argv[argv.index("--workers") + 1] == "5"
    assert argv[argv.index("--bind") + 1] == "0.0.0.0:9000"
    assert argv[-2:] == ["--timeout", "60"]


def gunicorn_command_lines(monkeypatch) -> list[list[str]]:  # type: ignore[no-untyped-def]
    """The command lines ``cli.serve`` hands to gunicorn, which is not started."""
    import gunicorn.app.wsgiapp

    seen: list[list[str]] = []
    monkeypatch.setattr(gunicorn.app.wsgiapp, "run", lambda: seen.append(list(sys.argv)))
    monkeypatch.setattr(sys, "argv", ["territoria"])
    return seen


def test_serve_defaults(monkeypatch):
    seen = gunicorn_command_lines(monkeypatch)
    monkeypatch.delenv("TERRITORIA_SERVE_WORKERS", raising=False)
    monkeypatch.delenv("TERRITORIA_SERVE_BIND", raising=False)
    monkeypatch.delenv("TERRITORIA_SERVE_TIMEOUT", raising=False)
    monkeypatch.delenv("TERRITORIA_SERVE_THREADS", raising=False)
    cli.serve([])
    argv = seen[0]
    assert argv[argv.index("--workers") + 1] == "2"
    assert argv[argv.index("--bind") + 1] == "127.0.0.1:8000"
    assert argv[argv.index("--timeout") + 1] == "300"  # long exports are not killed after gunicorn's 30 s
    # Threaded workers: connections kept alive, and a long export does not silence the worker.
    assert argv[argv.index("--worker-class") + 1] == "gthread"
    assert argv[argv.index("--threads") + 1] == "4"


def test_one_thread_per_worker_is_gunicorns_sync_worker(monkeypatch):
    seen = gunicorn_command_lines(monkeypatch)
    monkeypatch.setenv("TERRITORIA_SERVE_THREADS", "1")
    cli.serve([])
    assert "--worker-class" not in seen[0] and "--threads" not in seen[0]


def test_serve_timeout_setting_and_extra_arguments_last(monkeypatch):
    seen = gunicorn_command_lines(monkeypatch)
    monkeypatch.setenv("TERRITORIA_SERVE_TIMEOUT", "900")
    cli.serve([])
    assert seen[0][seen[0].index("--timeout") + 1] == "900"
    cli.serve(["--timeout", "60"])  # given on the command line, it comes last: gunicorn keeps it
    assert seen[1][-2:] == ["--timeout", "60"]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TERRITORIA_SERVE_WORKERS", "0"),
        ("TERRITORIA_SERVE_WORKERS", "many"),
        ("TERRITORIA_SERVE_TIMEOUT", "-1"),
        ("TERRITORIA_SERVE_TIMEOUT", "5min"),
        ("TERRITORIA_SERVE_THREADS", "0"),
        ("TERRITORIA_SERVE_THREADS", "65"),
    ],
)
def test_serve_refuses_bad_settings_naming_the_variable(name, value, monkeypatch):
    import gunicorn.app.wsgiapp

    monkeypatch.setattr(gunicorn.app.wsgiapp, "run", lambda: pytest.fail("gunicorn must not start"))
    monkeypatch.setenv(name, value)
    with pytest.raises(SystemExit) as info:
        cli.serve([])
    assert name in str(info.value.code)
