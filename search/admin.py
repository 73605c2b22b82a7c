"""Store admin: the store's search synonyms."""

from django.contrib import admin

from search.models import Synonym


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    list_display = ["terms"]
    search_fields = ["terms"]
