"""The atlas of local digital actions: referentials (axes → enjeux → usages → services), fiches-actions and
their classification, and thematic atlases (saved selections with their own address)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from territoria.lib.text import stems


class Referential(models.Model):
    """One version of a referential. Importing a referential again makes a new version with the same slug."""

    slug = models.SlugField(_("identifiant"), max_length=80)
    version = models.PositiveIntegerField(_("version"), default=1)
    name = models.CharField(_("nom"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("réseau propriétaire"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referentials",
    )
    is_current = models.BooleanField(_("version en vigueur"), default=True)
    is_default = models.BooleanField(_("référentiel par défaut"), default=False)
    # Grows with every confirmed classification: tells fitted classifiers when they are out of date.
    confirmations = models.PositiveIntegerField(default=0, editable=False)
    source = models.CharField(_("source"), max_length=300, blank=True)
    created = models.DateTimeField(_("créé le"), default=timezone.now)

    class Meta:
        ordering = ["slug", "-version"]
        constraints = [models.UniqueConstraint(fields=["slug", "version"], name="atlas_referential_version")]
        verbose_name = _("référentiel")
        verbose_name_plural = _("référentiels")

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    def get_absolute_url(self) -> str:
        return reverse("atlas:referential", args=[self.slug])


class Item(models.Model):
    """An element of a referential: an axe, an enjeu, a usage or a service."""

    class Level(models.TextChoices):
        AXE = "axe", _("Axe")
        ENJEU = "enjeu", _("Enjeu")
        USAGE = "usage", _("Usage")
        SERVICE = "service", _("Service")

    referential = models.ForeignKey(Referential, on_delete=models.CASCADE, related_name="items")
    level = models.CharField(_("niveau"), max_length=10, choices=Level.choices)
    code = models.CharField(_("code"), max_length=30)
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children")
    label = models.CharField(_("libellé"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    keywords = models.TextField(_("mots-clés"), blank=True, help_text=_("séparés par « | »"))
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["referential", "position"]
        constraints = [models.UniqueConstraint(fields=["referential", "code"], name="atlas_item_code")]
        verbose_name = _("élément de référentiel")
        verbose_name_plural = _("éléments de référentiel")

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    def keyword_list(self) -> list[str]:
        return [k.strip() for k in self.keywords.split("|") if k.strip()]


class Action(models.Model):
    """A fiche-action: what a collectivité did with digital tools, where, when, and how it is classified."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Prévue")
        IN_PROGRESS = "in_progress", pgettext_lazy("avancement d'une action", "En cours")
        DONE = "done", _("Réalisée")

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("En attente de modération")
        PUBLISHED = "published", _("Publiée")
        REJECTED = "rejected", _("Refusée")

    class Placement(models.TextChoices):
        GIVEN = "given", _("Coordonnées fournies")
        COMMUNE = "commune", _("Centre de la commune")
        NONE = "none", _("Non localisée")

    class TerritoryType(models.TextChoices):
        COMMUNE = "commune", _("Commune")
        EPCI = "epci", _("Intercommunalité")
        DEPARTEMENT = "departement", _("Département")
        REGION = "region", _("Région")
        SYNDICAT = "syndicat", _("Syndicat")
        OTHER = "other", _("Autre")

    referential = models.ForeignKey(Referential, on_delete=models.PROTECT, related_name="actions")
    title = models.CharField(_("titre"), max_length=200)
    summary = models.TextField(_("résumé"))
    description = models.TextField(_("description"), blank=True)
    results = models.TextField(_("résultats"), blank=True)
    recommendations = models.TextField(_("recommandations"), blank=True)
    tools = models.TextField(_("outils et prestataires"), blank=True, help_text=_("séparés par « | »"))
    status = models.CharField(_("avancement"), max_length=12, choices=Status.choices, default=Status.DONE)
    start_date = models.DateField(_("début"), null=True, blank=True)
    end_date = models.DateField(_("fin"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("année"), null=True, blank=True, db_index=True)
    # The collectivité that carries the action and where it is.
    collectivite = models.CharField(_("collectivité"), max_length=200)
    territory_type = models.CharField(
        _("type de territoire"), max_length=12, choices=TerritoryType.choices, default=TerritoryType.COMMUNE
    )
    insee = models.CharField(_("code INSEE"), max_length=5, blank=True, db_index=True)
    commune = models.CharField(_("commune"), max_length=120, blank=True)
    departement = models.CharField(_("département"), max_length=3, blank=True, db_index=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    population_band = models.CharField(_("tranche de population"), max_length=12, blank=True, db_index=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    placement = models.CharField(_("localisation"), max_length=8, choices=Placement.choices, default=Placement.NONE)
    location_warning = models.CharField(_("alerte de localisation"), max_length=200, blank=True)
    # Contact: the service is public; a person's name, e-mail and phone follow the access policy.
    contact_service = models.CharField(_("service à contacter"), max_length=200, blank=True)
    contact_name = models.CharField(_("personne à contacter"), max_length=200, blank=True)
    contact_email = models.EmailField(_("courriel du contact"), blank=True)
    contact_phone = models.CharField(_("téléphone du contact"), max_length=30, blank=True)
    links = models.TextField(_("liens"), blank=True, help_text=_("une adresse par ligne"))
    images = models.TextField(_("images"), blank=True, help_text=_("une adresse d'image par ligne"))
    datasets = models.ManyToManyField("catalog.Dataset", blank=True, related_name="atlas_actions")
    # Codes of the main enjeu and service (confirmed, else proposed), kept for lists, maps and colours.
    main_enjeu = models.CharField(_("enjeu principal"), max_length=30, blank=True, db_index=True)
    main_service = models.CharField(_("service principal"), max_length=30, blank=True)
    # Every confirmed code tagged by level, with spaces around (" e:E15 s:S122 s:S123 "): filters and facets
    # read it without a join, and one pass over the matching rows counts every facet.
    codes = models.TextField(editable=False, blank=True, default="")
    # Moderation.
    state = models.CharField(_("état"), max_length=10, choices=State.choices, default=State.SUBMITTED, db_index=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="atlas_actions"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="atlas_actions"
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderation_note = models.TextField(_("note de modération"), blank=True)
    search_text = models.TextField(editable=False, blank=True)
    created = models.DateTimeField(_("créée le"), default=timezone.now)
    updated = models.DateTimeField(_("mise à jour le"), auto_now=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("fiche-action")
        verbose_name_plural = _("fiches-actions")
        permissions = [("moderate_action", _("Peut modérer les fiches-actions de l'atlas"))]
        indexes = [models.Index(fields=["state", "departement"]), models.Index(fields=["state", "year"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("atlas:action", args=[self.pk])

    def tool_list(self) -> list[str]:
        return [t.strip() for t in self.tools.split("|") if t.strip()]

    def link_list(self) -> list[str]:
        return [line.strip() for line in self.links.splitlines() if line.strip()]

    def image_list(self) -> list[str]:
        return [line.strip() for line in self.images.splitlines() if line.strip()]

    def text(self) -> str:
        """The French text that classification reads."""
        return "\n".join(p for p in (self.title, self.summary, self.description, self.results, self.tools) if p)

    def refresh_search_text(self) -> None:
        words = stems(" ".join([self.text(), self.collectivite, self.commune, self.contact_service]))
        self.search_text = " " + " ".join(dict.fromkeys(words)) + " "


class Classification(models.Model):
    """An enjeu or a service attached to an action: proposed by the classifier, or confirmed by a moderator."""

    class Source(models.TextChoices):
        PROPOSED = "proposed", _("Proposé")
        CONFIRMED = "confirmed", _("Confirmé")

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="classifications")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="classifications")
    level = models.CharField(max_length=10, choices=Item.Level.choices, db_index=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.PROPOSED)
    confidence = models.FloatField(null=True, blank=True)
    rank = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["action", "level", "rank"]
        constraints = [models.UniqueConstraint(fields=["action", "item", "source"], name="atlas_classification_unique")]
        indexes = [models.Index(fields=["source", "item"])]

    def __str__(self) -> str:
        return f"{self.action_id} → {self.item_id} ({self.source})"


class ThematicAtlas(models.Model):
    """A named, saved selection of actions (filters + title + description) with its own address."""

    slug = models.SlugField(_("adresse"), max_length=80, unique=True)
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    filters = models.JSONField(_("filtres"), default=dict)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="atlases"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(_("créé le"), default=timezone.now)

    class Meta:
        ordering = ["title"]
        verbose_name = _("atlas thématique")
        verbose_name_plural = _("atlas thématiques")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("atlas:atlas", args=[self.slug])
