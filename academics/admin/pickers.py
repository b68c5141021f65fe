"""How the registrar admin's foreign-key pickers behave (docs/admin.md, "Pickers"), declared once
for every record admin and inline:

- no "delete" ✕ next to a picker: it deletes the *related* record (the course, from an
  enrollment's form), which a registrar never means there;
- a picker named in `pickers_filtered_by` offers only the choices that belong to another field
  of the same form (a cohort picker, the chosen course's cohorts): static/academics/pickers.js
  sends that field's value with the search, and the searched admin narrows its results by the
  fields it lists in `autocomplete_filters`.
"""

from django import forms
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper

# After Django's autocomplete.js, whose select2 set-up pickers.js extends.
PICKERS_MEDIA = forms.Media(
    js=["admin/js/jquery.init.js", "admin/js/autocomplete.js", "academics/pickers.js"]
)


class RelatedPickers:
    # picker field → the field of the same form whose value narrows its choices
    pickers_filtered_by: dict[str, str] = {}
    # fields by which an autocomplete search of this admin's model may be narrowed
    autocomplete_filters: tuple[str, ...] = ()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(formfield, "widget", None)
        if isinstance(widget, RelatedFieldWidgetWrapper):
            widget.can_delete_related = False
            if db_field.name in self.pickers_filtered_by:
                widget.widget.attrs["data-filtered-by"] = self.pickers_filtered_by[db_field.name]
        return formfield

    @property
    def media(self):
        media = super().media
        return media + PICKERS_MEDIA if self.pickers_filtered_by else media

    def get_search_results(self, request, queryset, search_term):
        queryset, distinct = super().get_search_results(request, queryset, search_term)
        if request.resolver_match and request.resolver_match.url_name == "autocomplete":
            for name in self.autocomplete_filters:
                value = request.GET.get(name, "")
                if value.isdigit():
                    queryset = queryset.filter(**{f"{name}_id": int(value)})
        return queryset, distinct
