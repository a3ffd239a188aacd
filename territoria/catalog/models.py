"""The catalogue, shaped on DCAT: datasets, their resources (distributions) and vocabularies."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from territoria.access.services import Visibility
from territoria.accounts.models import Organisation
from territoria.catalog.vocabularies import EU_THEME_BASE, Frequency, Granularity
from territoria.lib.formats import FORMATS
from territoria.lib.storage import ContentStore


class Theme(models.Model):
    code = models.CharField(_("code"), max_length=10, unique=True)
    label_fr = models.CharField(_("libellé (français)"), max_length=100)
    label_en = models.CharField(_("libellé (anglais)"), max_length=100)

    class Meta:
        ordering = ["label_fr"]
        verbose_name = _("thème")
        verbose_name_plural = _("thèmes")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "fr").startswith("en") else self.label_fr

    @property
    def uri(self) -> str:
        return EU_THEME_BASE + self.code


class Licence(models.Model):
    identifier = models.SlugField(_("identifiant"), max_length=40, unique=True)
    title = models.CharField(_("intitulé"), max_length=200)
    url = models.URLField(_("texte de la licence"), blank=True)
    is_open = models.BooleanField(_("licence ouverte"), default=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("licence")
        verbose_name_plural = _("licences")

    def __str__(self) -> str:
        return self.title


class Keyword(models.Model):
    name = models.CharField(_("mot-clé"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("mot-clé")
        verbose_name_plural = _("mots-clés")

    def __str__(self) -> str:
        return self.name


class TableSchema(models.Model):
    """A Table Schema (SCDL, schema.data.gouv.fr) a dataset can declare it follows."""

    name = models.CharField(_("identifiant"), max_length=200, unique=True, help_text="scdl/subventions")
    title = models.CharField(_("titre"), max_length=200)
    version = models.CharField(_("version"), max_length=20)
    url = models.URLField(_("adresse de référence"), blank=True)
    file_sha256 = models.CharField(_("fichier du schéma (SHA-256)"), max_length=64, blank=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("schéma de données")
        verbose_name_plural = _("schémas de données")

    def __str__(self) -> str:
        return f"{self.title} {self.version}"


slug_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9-]*$", _("Lettres minuscules sans accent, chiffres et tirets uniquement.")
)


class Dataset(models.Model):
    uid = models.UUIDField(_("identifiant unique"), default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("identifiant"), max_length=100, unique=True, validators=[slug_validator])
    title = models.CharField(_("titre"), max_length=250)
    description = models.TextField(_("description (Markdown)"), blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="datasets", verbose_name=_("éditeur")
    )
    producer = models.CharField(
        _("producteur"),
        max_length=250,
        blank=True,
        help_text=_("Qui produit la donnée, si ce n'est l'éditeur."),
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="datasets", verbose_name=_("thèmes"))
    keywords = models.ManyToManyField(Keyword, blank=True, related_name="datasets", verbose_name=_("mots-clés"))
    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="datasets", verbose_name=_("licence"))
    frequency = models.CharField(
        _("fréquence de mise à jour"), max_length=10, choices=Frequency.choices, default=Frequency.UNKNOWN
    )
    temporal_start = models.DateField(_("début de la période couverte"), null=True, blank=True)
    temporal_end = models.DateField(_("fin de la période couverte"), null=True, blank=True)
    spatial_coverage = models.CharField(_("couverture géographique"), max_length=200, blank=True)
    spatial_code = models.CharField(
        _("code du territoire"), max_length=20, blank=True, help_text=_("Code INSEE, SIREN d'EPCI ou « FR ».")
    )
    spatial_granularity = models.CharField(_("granularité"), max_length=20, choices=Granularity.choices, blank=True)
    contact_name = models.CharField(_("point de contact"), max_length=200, blank=True)
    contact_email = models.EmailField(_("courriel du point de contact"), blank=True)
    referent = models.ForeignKey(
        "accounts.Referent",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="datasets",
        verbose_name=_("référent"),
        help_text=_("La personne ou le service à qui s'adresser en interne (annuaire « Qui contacter ? »)."),
    )
    table_schema = models.ForeignKey(
        TableSchema,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="datasets",
        verbose_name=_("schéma de données"),
    )
    data_url = models.URLField(
        _("adresse des données à rafraîchir"),
        max_length=1000,
        blank=True,
        help_text=_(
            "Téléchargée à nouveau selon la fréquence de mise à jour ; un contenu inchangé ne crée pas de version."
        ),
    )
    last_fetched = models.DateTimeField(_("dernier téléchargement"), null=True, blank=True, editable=False)
    source_name = models.CharField(_("source"), max_length=250, blank=True)
    source_url = models.URLField(_("adresse de la source"), max_length=500, blank=True)
    attribution = models.TextField(
        _("attribution"), blank=True, help_text=_("Mention à reprendre par les réutilisateurs.")
    )
    visibility = models.CharField(_("visibilité"), max_length=20, choices=Visibility.choices, default=Visibility.PUBLIC)
    created = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)
    modified = models.DateTimeField(_("modifié le"), default=timezone.now)
    published = models.DateTimeField(
        _("publié le"), null=True, blank=True, help_text=_("Vide : brouillon, visible des seuls éditeurs.")
    )
    published_version = models.ForeignKey(
        "Version",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("version publiée"),
        editable=False,
    )
    view_count = models.PositiveIntegerField(_("consultations"), default=0, editable=False)
    download_count = models.PositiveIntegerField(_("téléchargements"), default=0, editable=False)

    class Meta:
        ordering = ["title"]
        verbose_name = _("jeu de données")
        verbose_name_plural = _("jeux de données")
        indexes = [
            models.Index(fields=["visibility", "published"]),
            models.Index(fields=["-modified"]),
            models.Index(fields=["title"]),
            models.Index(fields=["-view_count"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("catalog:dataset", args=[self.slug])

    @property
    def is_published(self) -> bool:
        return self.published is not None

    @property
    def keyword_names(self) -> list[str]:
        return [k.name for k in self.keywords.all()]

    @property
    def formats(self) -> list[str]:
        return sorted({r.format for r in self.resources.all() if r.format})


class Resource(models.Model):
    """A distribution of a dataset: a stored file, or a link to a file or API elsewhere."""

    class Kind(models.TextChoices):
        FILE = "file", _("Fichier")
        LINK = "link", _("Lien")

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="resources")
    title = models.CharField(_("titre"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("nature"), max_length=10, choices=Kind.choices, default=Kind.FILE)
    format = models.CharField(
        _("format"), max_length=10, choices=[(code, f.label) for code, f in FORMATS.items()], blank=True
    )
    media_type = models.CharField(_("type MIME"), max_length=100, blank=True)
    file_name = models.CharField(_("nom du fichier"), max_length=250, blank=True)
    file_sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, blank=True, editable=False)
    size = models.PositiveBigIntegerField(_("taille (octets)"), null=True, blank=True, editable=False)
    url = models.URLField(_("adresse"), max_length=1000, blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    created = models.DateTimeField(_("ajoutée le"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("ressource")
        verbose_name_plural = _("ressources")

    def __str__(self) -> str:
        return self.title

    @property
    def checksum(self) -> str:
        return f"sha256:{self.file_sha256}" if self.file_sha256 else ""

    def get_download_url(self) -> str:
        if self.kind == self.Kind.LINK:
            return self.url
        return reverse("catalog:download", args=[self.dataset.slug, self.pk])

    def open(self) -> BinaryIO:
        return ContentStore(settings.FILES_DIR).open(self.file_sha256)


class Version(models.Model):
    """An immutable, typed snapshot of a dataset's data. Publishing moves ``Dataset.published_version``."""

    class SourceKind(models.TextChoices):
        UPLOAD = "upload", _("Dépôt de fichier")
        URL = "url", _("Adresse web")
        CLI = "cli", _("Ligne de commande")
        DERIVED = "derived", _("Dérivée d'une version (masquage)")

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("numéro"))
    created = models.DateTimeField(_("créée le"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source_kind = models.CharField(_("origine"), max_length=10, choices=SourceKind.choices)
    source_name = models.CharField(_("fichier ou adresse d'origine"), max_length=1000)
    original_sha256 = models.CharField(_("empreinte de l'original"), max_length=64)
    original_size = models.PositiveBigIntegerField(_("taille de l'original"))
    data_sha256 = models.CharField(_("empreinte des données typées (Parquet)"), max_length=64)
    data_size = models.PositiveBigIntegerField(_("taille des données typées"))
    row_count = models.PositiveBigIntegerField(_("lignes"))
    columns = models.JSONField(_("colonnes et profil"), default=list)
    source_info = models.JSONField(_("lecture du fichier"), default=dict)
    report = models.JSONField(_("rapport de qualité"), default=dict)
    pii = models.JSONField(_("données personnelles détectées"), default=list)
    pii_justification = models.TextField(_("justification de publication malgré les données personnelles"), blank=True)
    geo = models.JSONField(_("géographie"), null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        constraints = [models.UniqueConstraint(fields=["dataset", "number"], name="one_number_per_dataset_version")]

    def __str__(self) -> str:
        return f"{self.dataset.slug} v{self.number}"

    @property
    def pii_blocks_public(self) -> bool:
        """Personal data found and neither removed nor justified: cannot be published publicly."""
        return bool(self.pii) and not self.pii_justification.strip()

    def data_path(self) -> Path:
        return ContentStore(settings.FILES_DIR).path_for(self.data_sha256)
