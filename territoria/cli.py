"""The ``territoria`` console command, the administrator's front door.

``territoria migrate``, ``territoria demo``, ``territoria serve`` and
``territoria createsuperuser`` are shortcuts; any other Django management
command works too (``territoria check --deploy``).
"""

from __future__ import annotations

import os
import sys

USAGE = """Usage: territoria COMMAND [OPTIONS]

Commands:
  migrate            create or update the database tables
  demo               load the demo collectivité and its datasets
  serve              run the production web server (gunicorn)
  worker             run the background task worker (ingestion, scheduled refresh)
  ingest             import a file or URL into a dataset (territoria ingest --help)
  createsuperuser    create an administrator account
  help               list every available command (Django management commands included)
"""


def run_django(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "territoria.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


def serve(args: list[str]) -> None:
    """Run gunicorn with the workers, address and timeout of TERRITORIA_SERVE_*; extra args go to gunicorn."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "territoria.settings")
    from gunicorn.app.wsgiapp import run

    from territoria.lib.env import Env, ImproperlyConfiguredEnv

    env = Env()
    try:
        workers = env.get_int("TERRITORIA_SERVE_WORKERS", 2, minimum=1, maximum=64)
        bind = env.get_str("TERRITORIA_SERVE_BIND", "127.0.0.1:8000")
        # Seconds a worker may spend on one request before gunicorn kills it: long enough for large exports.
        timeout = env.get_int("TERRITORIA_SERVE_TIMEOUT", 300, minimum=0, maximum=86_400)
        # Threads per worker (gthread): connections kept alive between requests, and a long export does not
        # stop the worker from telling gunicorn it is alive. 1: gunicorn's sync workers.
        threads = env.get_int("TERRITORIA_SERVE_THREADS", 4, minimum=1, maximum=64)
    except ImproperlyConfiguredEnv as error:
        sys.exit(f"territoria serve: {error}")
    workers_args = ["--worker-class", "gthread", "--threads", str(threads)] if threads > 1 else []
    sys.argv = [
        "gunicorn",
        "territoria.wsgi:application",
        "--workers",
        str(workers),
        "--bind",
        bind,
        "--timeout",
        str(timeout),
        *workers_args,
        "--access-logfile",
        "-",
        *args,
    ]
    run()


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help"}:
        print(USAGE)
        return
    command, rest = args[0], args[1:]
    if command == "serve":
        serve(rest)
    elif command == "demo":
        run_django(["territoria", "load_demo", *rest])
    elif command == "worker":
        run_django(["territoria", "run_huey", *rest])
    else:
        run_django(["territoria", command, *rest])


if __name__ == "__main__":
    main()
