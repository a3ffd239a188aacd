"""Back-office of the catalogue. Querysets go through the access policy, like every other path."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from territoria.access import services as access
from territoria.access.admin import GrantInline
from territoria.accounts.admin import ActingAdminMixin
from territoria.accounts.services import Organisation, Referent
from territoria.catalog import services
from territoria.catalog.models import Dataset, Keyword, Licence, Resource, TableSchema, Theme


class ResourceForm(forms.ModelForm):
    upload = forms.FileField(
        label=_("Fichier à déposer"), required=False, help_text=_("Remplace le fichier actuel de la ressource.")
    )

    class Meta:
        model = Resource
        fields = ["title", "description", "kind", "format", "url", "position"]

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        kind = cleaned.get("kind")
        if kind == Resource.Kind.LINK and not cleaned.get("url"):
            self.add_error("url", _("Une ressource de type lien a besoin d'une adresse."))
        if kind == Resource.Kind.FILE and not cleaned.get("upload") and not self.instance.file_sha256:
            self.add_error("upload", _("Déposez un fichier, ou choisissez le type « lien »."))
        return cleaned

    def save(self, commit: bool = True) -> Resource:
        resource = super().save(commit=False)
        upload = self.cleaned_data.get("upload")
        if upload is not None:
            services.store_upload(resource, upload, upload.name)
        if commit:
            resource.save()
        return resource


class ResourceInline(admin.StackedInline):
    model = Resource
    form = ResourceForm
    extra = 0
    readonly_fields = ["file_name", "size", "file_sha256", "media_type"]


@admin.register(Dataset)
class DatasetAdmin(ActingAdminMixin, admin.ModelAdmin):
    list_display = ["title", "organisation", "visibility", "published", "modified"]
    list_filter = ["visibility", "organisation", "themes", "licence", "frequency"]
    search_fields = ["title", "slug", "description"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["themes", "keywords"]
    date_hierarchy = "modified"
    inlines = [ResourceInline, GrantInline]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "description",
                    "organisation",
                    "producer",
                    "visibility",
                    "published",
                ]
            },
        ),
        (_("Classement"), {"fields": ["themes", "keywords", "table_schema"]}),
        (_("Licence et source"), {"fields": ["licence", "source_name", "source_url", "attribution"]}),
        (
            _("Couverture"),
            {
                "fields": [
                    "frequency",
                    "temporal_start",
                    "temporal_end",
                    "spatial_coverage",
                    "spatial_code",
                    "spatial_granularity",
                ]
            },
        ),
        (_("Contact"), {"fields": ["contact_name", "contact_email", "referent"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Dataset]:
        return super().get_queryset(request).filter(access.visible_filter(request.user))

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "organisation":
            allowed = access.editable_organisations(request.user)
            if allowed is not None:
                kwargs["queryset"] = Organisation.objects.filter(pk__in=allowed)
        if db_field.name == "referent":
            allowed = access.editable_organisations(request.user)
            if allowed is not None:
                kwargs["queryset"] = Referent.objects.filter(organisation_id__in=allowed)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Dataset, form: Any, change: bool) -> None:
        obj.modified = timezone.now()
        super().save_model(request, obj, form, change)

    def has_change_permission(self, request: HttpRequest, obj: Dataset | None = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or access.can_edit(request.user, obj))

    def has_delete_permission(self, request: HttpRequest, obj: Dataset | None = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or access.can_edit(request.user, obj))

    @admin.action(description=_("Publier les jeux sélectionnés"))
    def publish(self, request: HttpRequest, queryset: QuerySet[Dataset]) -> None:
        now = timezone.now()
        for dataset in queryset.filter(published__isnull=True):
            if access.can_edit(request.user, dataset):
                dataset.published = now
                dataset.save(update_fields=["published"])  # one by one: the audit log records each

    @admin.action(description=_("Dépublier (repasser en brouillon)"))
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Dataset]) -> None:
        for dataset in queryset.filter(published__isnull=False):
            if access.can_edit(request.user, dataset):
                dataset.published = None
                dataset.save(update_fields=["published"])  # one by one: the audit log records each


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["code", "label_fr", "label_en"]


@admin.register(Licence)
class LicenceAdmin(admin.ModelAdmin):
    list_display = ["identifier", "title", "is_open"]


@admin.register(Keyword)
class KeywordAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(TableSchema)
class TableSchemaAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "version"]
