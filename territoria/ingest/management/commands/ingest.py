"""territoria ingest PATH_OR_URL --dataset SLUG [--publish]: one file or URL to a version, in this process."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.text import slugify

from territoria.accounts.services import Organisation
from territoria.catalog import services as catalog
from territoria.catalog.models import Dataset, Version
from territoria.ingest import pipeline, services
from territoria.ingest.models import Job


class Command(BaseCommand):
    help = (
        "Importe un fichier ou une adresse web dans un jeu de données (le crée au besoin), affiche la progression "
        "et le résumé qualité ; code de sortie non nul en cas d'échec."
    )
    # Django's system checks import every URL module (portal, API, maps…): ~1 s before the first row is
    # read, for checks that `territoria check` and `migrate` run anyway. An import does not need them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="chemin d'un fichier, ou adresse http(s)://")
        parser.add_argument("--dataset", required=True, help="identifiant du jeu de données")
        parser.add_argument("--publish", action="store_true", help="publier la version si les contrôles le permettent")
        parser.add_argument("--title", help="titre, si le jeu de données est créé")
        parser.add_argument("--organisation", help="identifiant de l'organisation, si le jeu de données est créé")
        parser.add_argument("--licence", default="etalab-2.0", help="licence, si le jeu de données est créé")
        for name in ("encoding", "delimiter", "sheet", "layer", "source-crs"):
            parser.add_argument(f"--{name}", help=f"forcer {name} au lieu de le deviner")
        parser.add_argument("--header-row", type=int, help="forcer la ligne d'en-tête (1 = première)")

    def handle(self, *args: Any, **options: Any) -> None:
        dataset = self._dataset(options)
        read_options = {
            key: options[arg]
            for key, arg in [
                ("encoding", "encoding"),
                ("delimiter", "delimiter"),
                ("sheet", "sheet"),
                ("layer", "layer"),
                ("source_crs", "source_crs"),
                ("header_row", "header_row"),
            ]
            if options.get(arg) is not None
        }
        source = options["source"]
        try:
            if source.startswith(("http://", "https://")):
                job = services.fetch_url(dataset, source, publish=options["publish"], options=read_options, queue=False)
            else:
                path = Path(source)
                if not path.is_file():
                    raise CommandError(f"Fichier introuvable : {source}")
                job = services.submit_path(
                    dataset,
                    path,
                    source_kind=Version.SourceKind.CLI,
                    publish=options["publish"],
                    options=read_options,
                    queue=False,
                )
        except services.SubmissionRefused as refused:
            raise CommandError(refused.message) from None
        job = pipeline.run(job.pk, listener=self._progress)
        self.stdout.write("")
        if job.status != Job.Status.SUCCEEDED:
            where = ", ".join(f"{k} {v}" for k, v in job.error.items() if k in {"row", "column"})
            raise CommandError(f"{job.source_name} : {job.message}" + (f" ({where})" if where else ""))
        self.stdout.write(self.style.SUCCESS(job.message))
        if job.version is not None:
            self._summary(job.version)

    def _dataset(self, options: dict[str, Any]) -> Dataset:
        slug = options["dataset"]
        found = Dataset.objects.filter(slug=slug).first()
        if found is not None:
            return found
        orgs = Organisation.objects.all()
        if options.get("organisation"):
            org = orgs.filter(slug=options["organisation"]).first()
            if org is None:
                raise CommandError(f"Organisation inconnue : {options['organisation']}")
        elif orgs.count() == 1:
            org = orgs.get()
        else:
            raise CommandError("Le jeu de données n'existe pas : précisez --organisation pour le créer.")
        title = options.get("title") or slug.replace("-", " ").capitalize()
        self.stdout.write(f"Création du jeu de données « {title} » ({slug}) pour {org.name}.")
        return catalog.save_dataset(organisation=org, slug=slugify(slug), title=title, licence=options["licence"])

    def _progress(self, stage: str, rows: int) -> None:
        self.stdout.write(f"\r{stage} : {rows:,} lignes".replace(",", " ") + " " * 10, ending="")
        self.stdout.flush()

    def _summary(self, version: Version) -> None:
        issues = version.report.get("issues", [])
        by_severity: dict[str, int] = {}
        for issue in issues:
            by_severity[issue.get("severity", "warning")] = by_severity.get(issue.get("severity", "warning"), 0) + 1
        self.stdout.write(
            f"Qualité : {by_severity.get('error', 0)} erreur(s), {by_severity.get('warning', 0)} avertissement(s)."
        )
        for issue in issues[:10]:
            where = " ".join(
                x
                for x in [
                    f"ligne {issue['row']}" if issue.get("row") else "",
                    f"colonne « {issue['column']} »" if issue.get("column") else "",
                ]
                if x
            )
            self.stdout.write(f"  - [{issue.get('severity')}] {where} {issue['message']}".rstrip())
        if version.pii:
            self.stdout.write(
                self.style.WARNING(
                    "Données personnelles détectées : "
                    + ", ".join(f"{f.get('column')} ({f.get('kind')})" for f in version.pii)
                )
            )
