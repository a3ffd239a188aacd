from django.contrib import admin

from territoria.accounts.models import Membership, Organisation


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "siren", "insee_code"]
    list_filter = ["kind"]
    search_fields = ["name", "siren", "insee_code"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]
