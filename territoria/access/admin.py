"""The back-office of people and rights, through the access policy.

The pages of accounts' models (organisations, groups, referents, API keys, audit log) are described in
``territoria/accounts/admin.py``; they are registered here, limited for a staff user who is not a superuser
to the organisations they administer (``managed_organisations``), like the catalogue's admin goes through
``visible_filter``. Grants are edited inside the dataset's page (``GrantInline``, used by the catalogue's admin).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from territoria.access import services as access
from territoria.access.models import Grant
from territoria.accounts import admin as accounts_admin
from territoria.accounts import audit_log
from territoria.accounts.services import ApiToken, AuditEvent, Group, Organisation, Referent


class ManagedOrganisationsMixin:
    """Rows of the organisations the staff user manages; their own organisation field offers only those."""

    organisation_lookup = "organisation_id"

    def scope(self, queryset: QuerySet[Any], managed: list[int]) -> QuerySet[Any]:
        return queryset.filter(**{f"{self.organisation_lookup}__in": managed})

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)  # type: ignore[misc]
        managed = access.managed_organisations(request.user)
        return queryset if managed is None else self.scope(queryset, managed)

    def _reachable(self, request: HttpRequest, obj: Any) -> bool:
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_view_permission(request, obj) and self._reachable(request, obj)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and self._reachable(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and self._reachable(request, obj)  # type: ignore[misc]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "organisation":
            managed = access.managed_organisations(request.user)
            if managed is not None:
                kwargs["queryset"] = Organisation.objects.filter(pk__in=managed)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


def _people_of(managed: list[int]) -> QuerySet[Any]:
    return get_user_model().objects.filter(memberships__organisation_id__in=managed).distinct()


@admin.register(Organisation)
class OrganisationAdmin(ManagedOrganisationsMixin, accounts_admin.OrganisationAdmin):
    organisation_lookup = "pk"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and access.managed_organisations(request.user) is None


@admin.register(Group)
class GroupAdmin(ManagedOrganisationsMixin, accounts_admin.GroupAdmin):
    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        managed = access.managed_organisations(request.user)
        if db_field.name == "members" and managed is not None:
            # People of the organisations they manage, and whoever is already in one of their groups.
            in_groups = Q(territoria_groups__organisation_id__in=managed)
            kwargs["queryset"] = (
                get_user_model().objects.filter(Q(pk__in=_people_of(managed).values("pk")) | in_groups).distinct()
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Referent)
class ReferentAdmin(ManagedOrganisationsMixin, accounts_admin.ReferentAdmin):
    pass


@admin.register(ApiToken)
class ApiTokenAdmin(ManagedOrganisationsMixin, accounts_admin.ApiTokenAdmin):
    """A manager sees (and may revoke) the keys of the members of the organisations they manage."""

    def scope(self, queryset: QuerySet[Any], managed: list[int]) -> QuerySet[Any]:
        return queryset.filter(user__in=_people_of(managed))


@admin.register(AuditEvent)
class AuditEventAdmin(ManagedOrganisationsMixin, accounts_admin.AuditEventAdmin):
    """A manager sees their organisations' log (and the sign-ins and API keys of their members)."""

    def scope(self, queryset: QuerySet[Any], managed: list[int]) -> QuerySet[Any]:
        return queryset.filter(audit_log.scope(managed))


class GrantInline(admin.TabularInline):
    """Who may read or edit one dataset beyond its visibility: on the dataset's page in the admin."""

    model = Grant
    extra = 0
    fields = ["user", "group", "role", "created"]
    readonly_fields = ["created"]
    autocomplete_fields = ["user"]

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        request._grant_dataset = obj  # type: ignore[attr-defined]  # for the group choices below
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "group":
            managed = access.managed_organisations(request.user)
            if managed is not None:
                dataset = getattr(request, "_grant_dataset", None)
                own = [dataset.organisation_id] if dataset is not None else []
                kwargs["queryset"] = Group.objects.filter(organisation_id__in=[*managed, *own])
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _may_edit(self, request: HttpRequest, obj: Any) -> bool:
        return obj is None or access.can_edit(request.user, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_add_permission(request, obj) and self._may_edit(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and self._may_edit(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and self._may_edit(request, obj)
