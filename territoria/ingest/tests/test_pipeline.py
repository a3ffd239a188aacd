"""The whole pipeline on real files: original kept, typed version, report, publication rules."""

from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from territoria.catalog import services as catalog
from territoria.catalog.models import Version
from territoria.conftest import SHARED_DATA
from territoria.ingest import pipeline, services
from territoria.ingest.models import Job
from territoria.lib.storage import ContentStore

pytestmark = pytest.mark.django_db
EXAMPLES = SHARED_DATA / "exemples-schemas"


def ingest(dataset, path, **kwargs):  # type: ignore[no-untyped-def]
    job = services.submit_path(dataset, path, queue=False, **kwargs)
    return pipeline.run(job.pk)


def test_a_french_csv_becomes_a_typed_published_version(make_dataset, settings):
    dataset = make_dataset("stationnement", "Stationnement")
    job = ingest(dataset, EXAMPLES / "stationnement" / "exemple-valide.csv", publish=True)
    assert job.status == Job.Status.SUCCEEDED, job.message
    dataset.refresh_from_db()
    version = dataset.published_version
    assert version is not None and version.number == 1 and job.published
    # The original bytes are kept, content-addressed, and equal the file.
    store = ContentStore(settings.FILES_DIR)
    original = (EXAMPLES / "stationnement" / "exemple-valide.csv").read_bytes()
    assert store.path_for(version.original_sha256).read_bytes() == original
    table = pq.read_table(version.data_path())
    assert table.num_rows == version.row_count > 0
    assert [c["name"] for c in version.columns][: len(table.column_names)]


def test_unpublished_version_leaves_the_published_one_in_place(make_dataset):
    dataset = make_dataset("arbres", "Arbres")
    first = ingest(dataset, EXAMPLES / "arbres-urbains" / "exemple-valide.csv", publish=True)
    second = ingest(dataset, EXAMPLES / "arbres-urbains" / "exemple-valide.xlsx", publish=False)
    assert first.status == second.status == Job.Status.SUCCEEDED
    dataset.refresh_from_db()
    assert dataset.published_version.number == 1
    assert [v.number for v in catalog.versions_of(dataset)] == [2, 1]
    catalog.publish_version(dataset, Version.objects.get(dataset=dataset, number=2))
    dataset.refresh_from_db()
    assert dataset.published_version.number == 2
    # Rolling back is moving the pointer back.
    catalog.publish_version(dataset, Version.objects.get(dataset=dataset, number=1))
    dataset.refresh_from_db()
    assert dataset.published_version.number == 1


def test_a_broken_file_fails_in_french_and_publishes_nothing(make_dataset, tmp_path):
    dataset = make_dataset("casse", "Cassé")
    good = ingest(dataset, EXAMPLES / "lieux-covoiturage" / "exemple-valide.csv", publish=True)
    assert good.status == Job.Status.SUCCEEDED
    broken = tmp_path / "vide.xlsx"
    broken.write_bytes(b"PK\x03\x04 this is not a real workbook")
    job = ingest(dataset, broken, publish=True)
    assert job.status == Job.Status.FAILED
    assert job.message and job.error["file"] == "vide.xlsx"
    dataset.refresh_from_db()
    assert dataset.published_version.number == 1
    assert dataset.versions.count() == 1


def test_personal_data_blocks_public_publication_until_justified(make_dataset, tmp_path):
    dataset = make_dataset("contacts", "Contacts des associations")
    path = tmp_path / "contacts.csv"
    rows = ["association;courriel"] + [f"Asso {i};contact{i}@exemple.fr" for i in range(30)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    job = ingest(dataset, path, publish=True)
    assert job.status == Job.Status.SUCCEEDED
    assert not job.published and "données personnelles" in job.message
    version = job.version
    assert any(f["kind"] == "email" for f in version.pii)
    with pytest.raises(catalog.PublicationRefused):
        catalog.publish_version(dataset, version)
    catalog.justify_pii(version, "Adresses génériques des associations, publiées avec leur accord écrit.")
    catalog.publish_version(dataset, version)
    dataset.refresh_from_db()
    assert dataset.published_version == version


def test_internal_dataset_may_hold_personal_data(make_dataset, tmp_path):
    dataset = make_dataset("annuaire", "Annuaire interne", visibility="internal")
    path = tmp_path / "annuaire.csv"
    path.write_text("nom;telephone\n" + "\n".join(f"Agent {i};06 12 34 56 {i:02d}" for i in range(30)) + "\n")
    job = ingest(dataset, path, publish=True)
    assert job.status == Job.Status.SUCCEEDED and job.published


def test_empty_file_is_refused_before_any_job(make_dataset, tmp_path):
    dataset = make_dataset("vide", "Vide")
    empty = tmp_path / "vide.csv"
    empty.write_bytes(b"")
    with pytest.raises(services.SubmissionRefused, match="vide"):
        services.submit_path(dataset, empty, queue=False)
    assert not Job.objects.exists()


def test_upload_size_limit(make_dataset, tmp_path, settings):
    settings.MAX_UPLOAD_MB = 1
    settings.MAX_UPLOAD_BYTES = 1024
    dataset = make_dataset("gros", "Gros")
    big = tmp_path / "gros.csv"
    big.write_text("a;b\n" + "1;2\n" * 1000)
    with pytest.raises(services.SubmissionRefused, match="taille maximale"):
        services.submit_path(dataset, big, queue=False)


def test_jobs_enqueued_after_commit_run_in_the_queue(make_dataset, run_on_commit):
    dataset = make_dataset("file", "File d'attente")
    with run_on_commit():
        job = services.submit_path(dataset, EXAMPLES / "lieux-covoiturage" / "exemple-valide.csv", publish=True)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.version is not None


def test_retry_runs_a_failed_job_again(make_dataset, tmp_path, run_on_commit):
    dataset = make_dataset("relance", "Relance")
    job = services.submit_path(dataset, EXAMPLES / "lieux-covoiturage" / "exemple-valide.csv", queue=False)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, message="interrompu")
    job.refresh_from_db()
    with run_on_commit():
        services.retry(job)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.attempts == 1
    with pytest.raises(services.SubmissionRefused):
        services.retry(job)


def test_a_wide_file_is_typed_within_the_memory_bound(make_dataset, demo_file):
    """51 columns (the CNIG friches model): typing goes by groups of columns instead of running out of memory."""
    dataset = make_dataset("friches", "Friches")
    job = ingest(dataset, demo_file("friches.csv"))
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert len(job.version.columns) >= 51
    assert any(f["column"] == "source_contact" and f["kind"] == "email" for f in job.version.pii)


def test_every_version_carries_an_explained_quality_score(make_dataset):
    dataset = make_dataset(
        "score", "Score", description="Aires de covoiturage du territoire.", keywords=["covoiturage"]
    )
    job = ingest(dataset, EXAMPLES / "lieux-covoiturage" / "exemple-valide.csv")
    score = job.version.report["figures"]["score"]
    assert 0 < score["total"] <= score["max"] == 100
    assert score["total"] == sum(line["points"] for line in score["lines"])
    assert all(line["explanation"] for line in score["lines"])


def test_french_excel_variant_gives_the_same_typed_table(make_dataset, tmp_path):
    """The same rows as `;`, cp1252, decimal commas and dd/mm/yyyy dates type exactly like the UTF-8 original."""
    rows = [("01053", "Bourg-en-Bresse", "12.5", "2024-03-01"), ("2A004", "Ajaccio", "1234.75", "2024-12-31")]
    utf8 = tmp_path / "mesures.csv"
    utf8.write_text("code_insee,commune,valeur,date\n" + "".join(",".join(r) + "\n" for r in rows), encoding="utf-8")
    french = tmp_path / "mesures-excel.csv"
    french.write_bytes(
        (
            "code_insee;commune;valeur;date\r\n"
            + "".join(f"{c};{n};{v.replace('.', ',')};{d[8:]}/{d[5:7]}/{d[:4]}\r\n" for c, n, v, d in rows)
        ).encode("cp1252")
    )
    versions = []
    for index, path in enumerate((utf8, french)):
        job = ingest(make_dataset(f"mesures-{index}", "Mesures"), path)
        assert job.status == Job.Status.SUCCEEDED, job.message
        versions.append(job.version)
    types = [[(c["name"], c["type"]) for c in v.columns] for v in versions]
    assert types[0] == types[1]
    assert dict(types[0])["code_insee"] == "text"
    tables = [pq.read_table(v.data_path()).to_pylist() for v in versions]
    assert tables[0] == tables[1]
    assert tables[0][0]["code_insee"] == "01053" and tables[0][1]["valeur"] == 1234.75
