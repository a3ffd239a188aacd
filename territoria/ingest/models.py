"""Ingestion jobs: one per file or URL to turn into a version, with progress a person can watch."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from territoria.catalog.models import Dataset, Version


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("En attente")
        RUNNING = "running", _("En cours")
        SUCCEEDED = "succeeded", _("Terminé")
        FAILED = "failed", _("Échec")

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="ingest_jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source_kind = models.CharField(_("origine"), max_length=10, choices=Version.SourceKind.choices)
    source_name = models.CharField(_("fichier ou adresse"), max_length=1000)
    original_sha256 = models.CharField(_("empreinte de l'original"), max_length=64, blank=True)
    original_size = models.PositiveBigIntegerField(_("taille de l'original"), null=True, blank=True)
    options = models.JSONField(_("options de lecture"), default=dict, blank=True)
    publish = models.BooleanField(_("publier à la fin"), default=False)
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(_("étape"), max_length=40, blank=True)
    rows_read = models.PositiveBigIntegerField(_("lignes lues"), default=0)
    message = models.TextField(_("message"), blank=True)
    error = models.JSONField(_("erreur"), default=dict, blank=True)
    version = models.ForeignKey(Version, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    published = models.BooleanField(_("version publiée"), default=False)
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    created = models.DateTimeField(_("créé le"), default=timezone.now)
    started = models.DateTimeField(_("commencé le"), null=True, blank=True)
    finished = models.DateTimeField(_("terminé le"), null=True, blank=True)
    heartbeat = models.DateTimeField(_("dernier signe de vie"), null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("tâche d'ingestion")
        verbose_name_plural = _("tâches d'ingestion")
        indexes = [models.Index(fields=["status", "heartbeat"])]

    def __str__(self) -> str:
        return f"{self.dataset.slug} — {self.source_name} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.SUCCEEDED, self.Status.FAILED}

    @property
    def is_stale(self) -> bool:
        # A running job whose worker has not reported for this long is dead (killed, crashed, machine restarted).
        beat = self.heartbeat or self.started
        stale = timezone.now() - beat if beat is not None else None
        return (
            self.status == self.Status.RUNNING
            and stale is not None
            and stale.total_seconds() > settings.JOB_STALE_SECONDS
        )
