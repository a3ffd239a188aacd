"""Administration of the atlas: referentials (read-only items: import a new version instead), actions, atlases."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from territoria.atlas.models import Action, Classification, Item, Referential, ThematicAtlas


class ItemInline(admin.TabularInline):
    model = Item
    fields = ("level", "code", "label", "parent")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Referential)
class ReferentialAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "version", "is_current", "is_default", "created"]
    list_filter = ["slug", "is_current"]
    inlines = [ItemInline]
    readonly_fields = ["slug", "version", "created"]


class ClassificationInline(admin.TabularInline):
    model = Classification
    fields = ["level", "item", "source", "confidence", "rank"]
    raw_id_fields = ["item"]
    extra = 0


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["title", "collectivite", "departement", "status", "state", "main_enjeu", "created"]
    list_filter = ["state", "status", "territory_type", "main_enjeu", "departement"]
    search_fields = ["title", "collectivite", "insee"]
    raw_id_fields = ["datasets", "organisation", "submitted_by", "moderated_by"]
    inlines = [ClassificationInline]
    readonly_fields = ["search_text", "placement", "location_warning", "year", "population_band"]


@admin.register(ThematicAtlas)
class ThematicAtlasAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "organisation", "created"]
    prepopulated_fields = {"slug": ["title"]}
