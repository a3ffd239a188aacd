"""Back-office pages of people and organisations: how they look and what they do.

Who sees which rows is the access policy's business: these classes are registered by
``territoria/access/admin.py``, which limits each of them to the organisations the staff user manages
(``access.managed_organisations``). Accounts sits below access and does not import it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from territoria.accounts import audit_log
from territoria.accounts import services as accounts
from territoria.accounts.audit_signals import acting
from territoria.accounts.models import ApiToken, AuditEvent, Group, Membership


class ActingAdminMixin:
    """Changes made through these admin pages are written to the audit log in the staff user's name."""

    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with acting(request=request):
            return super().changeform_view(request, *args, **kwargs)  # type: ignore[misc]

    def changelist_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with acting(request=request):
            return super().changelist_view(request, *args, **kwargs)  # type: ignore[misc]

    def delete_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with acting(request=request):
            return super().delete_view(request, *args, **kwargs)  # type: ignore[misc]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class OrganisationAdmin(ActingAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "siren", "insee_code"]
    list_filter = ["kind"]
    search_fields = ["name", "siren", "insee_code"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


class GroupAdmin(ActingAdminMixin, admin.ModelAdmin):
    list_display = ["name", "organisation", "member_count"]
    list_filter = ["organisation"]
    search_fields = ["name", "description", "members__username"]
    filter_horizontal = ["members"]
    fields = ["organisation", "name", "description", "members"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Group]:
        return super().get_queryset(request).annotate(_members=Count("members", distinct=True))

    @admin.display(description=_("membres"), ordering="_members")
    def member_count(self, obj: Group) -> int:
        return getattr(obj, "_members", 0)


class ReferentAdmin(ActingAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "organisation", "service", "email"]
    list_filter = ["kind", "organisation"]
    search_fields = ["name", "service", "email", "job_title", "expertise"]
    autocomplete_fields = ["user"]


class ApiTokenAdmin(admin.ModelAdmin):
    """Read-only: keys are created by their owners; the stored digest is never shown."""

    list_display = ["name", "user", "prefix", "scope", "created", "expires", "last_used", "revoked"]
    list_filter = ["scope", ("revoked", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "user__username"]
    fields = ["user", "name", "prefix", "scope", "created", "expires", "last_used", "revoked"]
    readonly_fields = ["user", "name", "prefix", "scope", "created", "expires", "last_used", "revoked"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        user: Any = request.user
        return bool(user.has_perm("accounts.change_apitoken"))

    @admin.action(description=_("Révoquer les clés sélectionnées"), permissions=["revoke"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        done = sum(accounts.revoke_token(token, request.user, request=request) for token in queryset)  # type: ignore[arg-type]
        self.message_user(
            request,
            ngettext("%(n)d clé révoquée.", "%(n)d clés révoquées.", done) % {"n": done},
            messages.SUCCESS,
        )


class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the log is written by the application and never edited."""

    list_display = ["when", "action", "actor_name", "organisation", "target", "ip"]
    list_filter = ["action", "organisation", "when"]
    search_fields = ["actor_name", "target"]
    date_hierarchy = "when"
    fields = ["when", "action", "actor", "actor_name", "organisation", "target", "ip", "detail"]
    readonly_fields = ["when", "action", "actor", "actor_name", "organisation", "target", "ip", "detail"]
    actions = ["export_csv"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Exporter la sélection en CSV"), permissions=["view"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet[AuditEvent]) -> StreamingHttpResponse:
        events = queryset.select_related("organisation").order_by("-when", "-pk")
        response = StreamingHttpResponse(audit_log.csv_lines(events), content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="journal-audit-{stamp}.csv"'
        return response
