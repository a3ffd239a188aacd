"""Organisations (the collectivités and their partners) and who belongs to them."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import FileExtensionValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

siren_validator = RegexValidator(r"^\d{9}$", _("Un SIREN comporte exactement 9 chiffres."))
insee_validator = RegexValidator(
    r"^(\d{5}|2[AB]\d{3}|\d{2,3})$",
    _("Code INSEE attendu : 5 caractères pour une commune (ex. 35238, 2A004), 2 ou 3 pour un département."),
)


class Organisation(models.Model):
    class Kind(models.TextChoices):
        COMMUNE = "commune", _("Commune")
        EPCI = "epci", _("EPCI (intercommunalité)")
        DEPARTEMENT = "departement", _("Département")
        REGION = "region", _("Région")
        SYNDICAT = "syndicat", _("Syndicat")
        STATE = "etat", _("Service de l'État")
        OTHER = "other", _("Autre")

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=100, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True, validators=[siren_validator])
    insee_code = models.CharField(_("code INSEE"), max_length=5, blank=True, validators=[insee_validator])
    description = models.TextField(_("présentation"), blank=True)
    website = models.URLField(_("site web"), blank=True)
    email = models.EmailField(_("adresse de contact"), blank=True)
    logo = models.FileField(
        _("logo"),
        upload_to="logos/",
        blank=True,
        validators=[FileExtensionValidator(["png", "jpg", "jpeg", "svg", "webp"])],
    )
    created = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:organisation", args=[self.slug])


class Membership(models.Model):
    """A person's role in an organisation (the full role model comes with the internal data space)."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrateur")
        EDITOR = "editor", _("Éditeur")
        AGENT = "agent", _("Agent")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices, default=Role.AGENT)

    class Meta:
        verbose_name = _("appartenance")
        verbose_name_plural = _("appartenances")
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org")]

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation} ({self.get_role_display()})"


class Group(models.Model):
    """A named group of people inside an organisation, to whom restricted datasets can be opened."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="groups", verbose_name=_("organisation")
    )
    name = models.CharField(_("nom"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="territoria_groups", verbose_name=_("membres")
    )

    class Meta:
        ordering = ["organisation__name", "name"]
        verbose_name = _("groupe")
        verbose_name_plural = _("groupes")
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="one_group_name_per_org")]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class Referent(models.Model):
    """Whom to ask about a dataset or a theme: a person or a service mailbox (the « Qui contacter ? » directory)."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Personne")
        SERVICE = "service", _("Service (boîte partagée)")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="referents", verbose_name=_("organisation")
    )
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.PERSON)
    name = models.CharField(_("nom"), max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referent_cards",
        verbose_name=_("compte"),
    )
    job_title = models.CharField(_("fonction"), max_length=200, blank=True)
    service = models.CharField(_("service"), max_length=200, blank=True)
    email = models.EmailField(_("courriel"))
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    expertise = models.TextField(
        _("domaines"), blank=True, help_text=_("Sujets sur lesquels on peut le ou la solliciter, en quelques mots.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("référent")
        verbose_name_plural = _("référents")

    def __str__(self) -> str:
        return f"{self.name} — {self.service}" if self.service else self.name

    def get_absolute_url(self) -> str:
        return reverse("referent", args=[self.pk])


class ApiToken(models.Model):
    """A personal API key: only its SHA-256 digest is stored; the key is shown once, at creation."""

    class Scope(models.TextChoices):
        READ = "read", _("Lecture")
        WRITE = "write", _("Lecture et écriture")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("utilisateur")
    )
    name = models.CharField(_("nom"), max_length=100, help_text=_("À quoi sert cette clé (ex. « tableau de bord »)."))
    prefix = models.CharField(_("début de la clé"), max_length=12, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    scope = models.CharField(_("portée"), max_length=10, choices=Scope.choices, default=Scope.READ)
    created = models.DateTimeField(_("créée le"), auto_now_add=True)
    expires = models.DateTimeField(_("expire le"), null=True, blank=True)
    last_used = models.DateTimeField(_("dernière utilisation"), null=True, blank=True, editable=False)
    revoked = models.DateTimeField(_("révoquée le"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("clé d'API")
        verbose_name_plural = _("clés d'API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class AuditEvent(models.Model):
    """One line of the audit log: who did what to what, when and from where."""

    class Action(models.TextChoices):
        SIGN_IN = "sign-in", _("Connexion")
        SIGN_IN_FAILED = "sign-in-failed", _("Échec de connexion")
        SIGN_OUT = "sign-out", _("Déconnexion")
        PUBLISH = "publish", _("Publication")
        VISIBILITY = "visibility", _("Changement de visibilité")
        ROLE = "role", _("Changement de rôle")
        GRANT = "grant", _("Droit d'accès à un jeu de données")
        TOKEN_CREATED = "token-created", _("Création de clé d'API")
        TOKEN_REVOKED = "token-revoked", _("Révocation de clé d'API")
        DOWNLOAD = "download", _("Téléchargement de données non publiques")
        API_READ = "api-read", _("Lecture par l'API de données non publiques")

    when = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("auteur"),
    )
    actor_name = models.CharField(_("auteur (au moment des faits)"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices, db_index=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("organisation")
    )
    target = models.CharField(_("objet"), max_length=300, blank=True)
    ip = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    detail = models.JSONField(_("détails"), default=dict, blank=True)

    class Meta:
        ordering = ["-when", "-pk"]
        verbose_name = _("événement du journal d'audit")
        verbose_name_plural = _("journal d'audit")

    def __str__(self) -> str:
        return f"{self.when:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()} {self.target}"
