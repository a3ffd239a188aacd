"""URL sources: fetched now, then again on schedule; unchanged content makes no new version."""

from __future__ import annotations

import functools
import http.server
import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from territoria.catalog.models import Dataset
from territoria.ingest import refresh, services
from territoria.ingest.models import Job

pytestmark = pytest.mark.django_db


@pytest.fixture
def web(tmp_path):  # type: ignore[no-untyped-def]
    """A static web server on loopback serving tmp_path."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_due_refresh_makes_versions_only_when_content_changes(make_dataset, web, run_on_commit):
    folder, base = web
    (folder / "mesures.csv").write_text("station;valeur\nA;1,5\nB;2,5\n", encoding="utf-8")
    dataset = make_dataset("mesures", "Mesures", frequency="DAILY", data_url=f"{base}/mesures.csv")
    with run_on_commit():
        assert refresh.refresh_due() == 1
    dataset.refresh_from_db()
    assert dataset.published_version.number == 1 and dataset.last_fetched is not None
    assert refresh.due_datasets() == []  # fetched less than a day ago
    Dataset.objects.filter(pk=dataset.pk).update(last_fetched=timezone.now() - timedelta(days=2))
    with run_on_commit():
        refresh.refresh_due()
    assert dataset.versions.count() == 1
    assert "inchangé" in Job.objects.order_by("-pk").first().message
    (folder / "mesures.csv").write_text("station;valeur\nA;1,5\nB;2,5\nC;3,5\n", encoding="utf-8")
    Dataset.objects.filter(pk=dataset.pk).update(last_fetched=timezone.now() - timedelta(days=2))
    with run_on_commit():
        refresh.refresh_due()
    dataset.refresh_from_db()
    assert dataset.versions.count() == 2 and dataset.published_version.row_count == 3


def test_unreachable_url_fails_in_french(make_dataset, run_on_commit):
    dataset = make_dataset("absent", "Absent")
    with run_on_commit():
        job = services.fetch_url(dataset, "http://127.0.0.1:9/nulle-part.csv")
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "Impossible de télécharger" in job.message


def test_only_http_urls(make_dataset):
    dataset = make_dataset("local", "Local")
    with pytest.raises(services.SubmissionRefused):
        services.fetch_url(dataset, "file:///etc/passwd")
