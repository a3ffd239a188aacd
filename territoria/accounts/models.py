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
