"""Grants: a dataset opened to a named person or group (read), or handed to a collaborator (edit)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Grant(models.Model):
    class Role(models.TextChoices):
        READ = "read", _("Lecture des données")
        EDIT = "edit", _("Collaborateur (modifie et publie)")

    dataset = models.ForeignKey(
        "catalog.Dataset", on_delete=models.CASCADE, related_name="grants", verbose_name=_("jeu de données")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="dataset_grants",
        verbose_name=_("personne"),
    )
    group = models.ForeignKey(
        "accounts.Group",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="dataset_grants",
        verbose_name=_("groupe"),
    )
    role = models.CharField(_("droit"), max_length=10, choices=Role.choices, default=Role.READ)
    created = models.DateTimeField(_("accordé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("droit d'accès")
        verbose_name_plural = _("droits d'accès")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, group__isnull=True) | Q(user__isnull=True, group__isnull=False),
                name="grant_to_a_user_or_a_group",
            ),
            models.UniqueConstraint(fields=["dataset", "user"], name="one_grant_per_user"),
            models.UniqueConstraint(fields=["dataset", "group"], name="one_grant_per_group"),
        ]

    def __str__(self) -> str:
        return f"{self.user or self.group} — {self.get_role_display()}"
