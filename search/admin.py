"""The Django admin of the store's search synonyms, for the platform's staff (merchants use
Catalog > Search synonyms in the store admin). Writes go through the same services, so that
the same words are refused and the search follows the change."""

from django import forms
from django.contrib import admin

from config.api_errors import DomainError
from search import services
from search.models import Synonym


class SynonymAdminForm(forms.ModelForm):
    class Meta:
        model = Synonym
        fields = ["terms"]

    def clean_terms(self) -> str:
        try:
            # The service's check, without writing: the words as they will be stored.
            return services.check_synonym(
                terms=self.cleaned_data["terms"],
                synonym=self.instance if self.instance.pk else None,
            )
        except DomainError as error:
            raise forms.ValidationError(error.message) from error


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    form = SynonymAdminForm
    list_display = ["terms"]
    search_fields = ["terms"]

    def save_model(self, request, obj, form, change) -> None:
        if change:
            services.update_synonym(synonym=obj, terms=obj.terms)
        else:
            obj.pk = services.create_synonym(terms=obj.terms).pk

    def delete_model(self, request, obj) -> None:
        services.delete_synonym(synonym=obj)

    def delete_queryset(self, request, queryset) -> None:
        for synonym in queryset:
            services.delete_synonym(synonym=synonym)
