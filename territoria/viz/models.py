"""Saved charts (a chart configuration on one dataset, with its own address) and dashboards of blocks."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Chart(models.Model):
    """A chart built in the chart builder and saved; who may see it is decided by its dataset."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dataset = models.ForeignKey("catalog.Dataset", on_delete=models.CASCADE, related_name="charts")
    title = models.CharField(_("titre"), max_length=200)
    config = models.JSONField(_("configuration"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(_("créé le"), default=timezone.now)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("graphique enregistré")
        verbose_name_plural = _("graphiques enregistrés")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("viz:saved-chart", args=[self.pk])


# --- dashboards ------------------------------------------------------------------------------------------


class DashboardVisibility(models.TextChoices):
    """The dataset visibilities that make sense for a dashboard (same values, read by the same access policy)."""

    PUBLIC = "public", _("Public")
    INTERNAL = "internal", _("Interne (agents de l'organisation)")
    RESTRICTED = "restricted", _("Restreint (éditeurs de l'organisation)")


class Dashboard(models.Model):
    """A page of blocks drawn from datasets. Who may know it exists: the access policy, on the fields it reads
    (visibility, organisation_id, published), as for a dataset (see territoria/viz/dashboards/policy.py)."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="dashboards", verbose_name=_("organisation")
    )
    slug = models.SlugField(_("identifiant"), max_length=100, unique=True)
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("présentation (Markdown)"), blank=True)
    visibility = models.CharField(
        _("visibilité"), max_length=20, choices=DashboardVisibility.choices, default=DashboardVisibility.PUBLIC
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(_("créé le"), default=timezone.now)
    modified = models.DateTimeField(_("modifié le"), default=timezone.now)
    published = models.DateTimeField(_("publié le"), null=True, blank=True)
    # Page-level filters: {"territory"|"period"|"theme": {"label": "…"}}; each block maps them to its columns.
    filters = models.JSONField(_("filtres de la page"), default=dict, blank=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("tableau de bord")
        verbose_name_plural = _("tableaux de bord")
        indexes = [models.Index(fields=["visibility", "published"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("viz:dashboard", args=[self.slug])


class Block(models.Model):
    """One block of a dashboard. ``config`` holds the dataset's slug and the settings of its kind."""

    class Kind(models.TextChoices):
        KPI = "kpi", _("Chiffre clé")
        CHART = "chart", _("Graphique")
        MAP = "map", _("Carte")
        TABLE = "table", _("Tableau")
        TEXT = "text", _("Texte")

    dashboard = models.ForeignKey(Dashboard, on_delete=models.CASCADE, related_name="blocks")
    position = models.PositiveIntegerField(_("position"), default=0)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    width = models.PositiveSmallIntegerField(
        _("largeur (colonnes)"),
        default=2,
        choices=[(1, _("un quart")), (2, _("la moitié")), (3, _("trois quarts")), (4, _("toute la largeur"))],
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )
    title = models.CharField(_("titre"), max_length=200, blank=True)
    config = models.JSONField(_("configuration"), default=dict, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("bloc")
        verbose_name_plural = _("blocs")

    def __str__(self) -> str:
        return self.title or self.get_kind_display()

    @property
    def dataset_slug(self) -> str:
        return str(self.config.get("dataset") or "") if self.kind != self.Kind.TEXT else ""
