"""Store admin: the store's search synonyms (Catalog > Search synonyms).

A Wagtail ``ModelViewSet`` whose form only validates input: every write is a call of a search
service (search.services: create_synonym, update_synonym, delete_synonym), whose refusals are
shown next to the field with what was typed kept. Who may do what is the role layer, asked
through ``user.has_perm`` (search.*_synonym: owner and catalog manager write, support reads).
"""

from django import forms
from wagtail.admin.views import generic

from catalog.store_admin.service_views import (
    CatalogViewSet,
    ServiceDeleteMixin,
    ServiceForm,
    ServiceWriteMixin,
    answered_by_roles,
)
from search import services
from search.models import Synonym

answered_by_roles(Synonym)


class SynonymForm(ServiceForm):
    terms = forms.CharField(
        label="Words",
        max_length=Synonym._meta.get_field("terms").max_length,
        help_text=(
            "Words shoppers use for the same thing, separated by commas, such as "
            "“tv, television”: a search for one finds the others."
        ),
    )

    class Meta:
        model = Synonym
        fields = ["terms"]


class SynonymCreateView(ServiceWriteMixin, generic.CreateView):
    def write(self):
        return services.create_synonym(terms=self.form.cleaned_data["terms"])


class SynonymEditView(ServiceWriteMixin, generic.EditView):
    def write(self):
        return services.update_synonym(synonym=self.object, terms=self.form.cleaned_data["terms"])


class SynonymDeleteView(ServiceDeleteMixin, generic.DeleteView):
    def delete_action(self):
        services.delete_synonym(synonym=self.object)


class SynonymViewSet(CatalogViewSet):
    model = Synonym
    icon = "search"
    menu_label = "Search synonyms"
    form_class = SynonymForm
    add_view_class = SynonymCreateView
    edit_view_class = SynonymEditView
    delete_view_class = SynonymDeleteView
    inspect_view_enabled = False
    list_display = ["terms"]
    search_fields = ["terms"]
    ordering = "terms"
    url_prefix = "search-synonyms"
