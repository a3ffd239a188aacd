"""Kill the worker with SIGKILL in the middle of an ingest: the published version still serves,
the job shows failed, and it can be retried. Runs real processes on a throw-away SQLite installation."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="uses POSIX signals")


def territoria(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=check,
        timeout=300,
    )


def shell(env: dict[str, str], code: str) -> str:
    return territoria(env, "shell", "-c", code).stdout.strip()


def state(env: dict[str, str], job_id: int) -> dict[str, object]:
    code = (
        "import json; from territoria.ingest.models import Job; from territoria.catalog.models import Dataset; "
        f"j = Job.objects.get(pk={job_id}); d = Dataset.objects.get(slug='mesures'); "
        "print(json.dumps({'status': j.status, 'rows': j.rows_read, 'stage': j.stage, "
        "'published': d.published_version.number if d.published_version else None, "
        "'versions': d.versions.count()}))"
    )
    return json.loads(shell(env, code).splitlines()[-1])


def big_csv(path: Path, rows: int) -> None:
    with open(path, "w", encoding="cp1252") as out:
        out.write("id;station;commune;code_insee;horodatage;valeur\n")
        for i in range(rows):
            out.write(
                f"{i};Station {i % 50};Saint-Étienne;0{1000 + i % 900};2024-01-01T{i % 24:02d}:00:00;{i % 97},5\n"
            )


def test_sigkill_mid_ingest_keeps_the_published_version(tmp_path):
    env = {
        **os.environ,
        "TERRITORIA_DATA_DIR": str(tmp_path / "data"),
        "TERRITORIA_DATABASE_URL": "",
        "TERRITORIA_JOB_STALE_SECONDS": "3",
        "TERRITORIA_TASKS_IMMEDIATE": "false",
    }
    env.pop("TERRITORIA_DATABASE_URL")
    territoria(env, "migrate", "--no-input", "-v0")
    shell(
        env,
        "from territoria.accounts.models import Organisation; "
        "Organisation.objects.create(slug='ville', name='Ville', kind='commune')",
    )
    small = tmp_path / "petit.csv"
    big_csv(small, 200)
    territoria(env, "ingest", str(small), "--dataset", "mesures", "--publish")
    big = tmp_path / "gros.csv"
    big_csv(big, 3_000_000)
    job_id = int(
        shell(
            env,
            (
                "from pathlib import Path; from territoria.catalog.models import Dataset; "
                "from territoria.ingest import services; "
                f"print(services.submit_path(Dataset.objects.get(slug='mesures'), Path('{big}'), publish=True).pk)"
            ),
        ).splitlines()[-1]
    )
    worker = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "run_huey"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        seen = state(env, job_id)
        while seen["status"] != "running" and time.monotonic() < deadline:
            time.sleep(0.2)
            seen = state(env, job_id)
        assert seen["status"] == "running", seen
        time.sleep(1.0)  # well inside the read of a 3M-row file
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
    after_kill = state(env, job_id)
    assert after_kill["status"] == "running"  # nobody said otherwise yet
    assert after_kill["published"] == 1 and after_kill["versions"] == 1
    time.sleep(4)  # longer than TERRITORIA_JOB_STALE_SECONDS without a heartbeat
    reaped = shell(env, "from territoria.ingest import services; print(services.reap_stale_jobs())")
    assert reaped.splitlines()[-1] == "1"
    failed = state(env, job_id)
    assert failed["status"] == "failed" and failed["published"] == 1
    # The published version still serves its data.
    rows = shell(
        env,
        (
            "import pyarrow.parquet as pq; from territoria.catalog.models import Dataset; "
            "print(pq.read_metadata(Dataset.objects.get(slug='mesures').published_version.data_path()).num_rows)"
        ),
    )
    assert rows.splitlines()[-1] == "200"
    # Retry, run in this process this time: the big version arrives and is published.
    shell(
        env,
        (
            "from territoria.ingest import services, pipeline; from territoria.ingest.models import Job; "
            f"j = Job.objects.get(pk={job_id}); services.retry(j, queue=False); pipeline.run(j.pk)"
        ),
    )
    done = state(env, job_id)
    assert done["status"] == "succeeded" and done["published"] == 2, done
