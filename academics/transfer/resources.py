"""django-import-export resources for the admin, built from the same `specs` as the command's
importer: the same columns, natural keys and matching, and every row validated by the model
rules (`full_clean`) and saved through `academics.services.record_save`.

The admin imports a registrar's spreadsheet row by row (a few queries per row), with
django-import-export's preview of each row before anything is written; bulk files belong to
`manage.py import_records`.
"""

from django.core.exceptions import ValidationError
from django.db import models
from import_export import fields, resources, widgets

from academics.services import record_save
from academics.transfer import messages as msg
from academics.transfer.files import FileProblem
from academics.transfer.importer import TEXT_FIELDS, TRUE_WORDS, check_columns
from academics.transfer.specs import SPECS, Ref, Spec

CHANGE_REASON = "Imported in the admin"


def _words(column: str) -> str:
    return column.replace("_", " ")


def _cell(row, column: str) -> str:
    value = row.get(column)
    return "" if value is None else str(value).strip()


def resolve_ref(ref: Ref, fk: models.ForeignKey, row, instance) -> models.Model | None:
    """The live record the row's `ref` columns name, looked up as the importer does; raises
    ValueError with the importer's message."""
    for column, lookup in ref.columns:
        value = _cell(row, column)
        if not value:
            continue
        criteria = {f"{lookup}__iexact" if ref.casefold else lookup: value}
        if ref.scope:
            criteria[f"{ref.scope}_id"] = getattr(instance, f"{ref.scope}_id")
        try:
            found = list(fk.related_model._default_manager.filter(**criteria)[:2])
        except ValidationError:  # a malformed uuid
            found = []
        if len(found) > 1:
            raise ValueError(
                msg.REFERENCE_AMBIGUOUS.format(
                    model=fk.related_model._meta.verbose_name, attribute=_words(column)
                )
            )
        if not found:
            raise ValueError(msg.REFERENCE_INVALID.format(attribute=_words(column)))
        return found[0]
    return None


class RefField(fields.Field):
    """One column of a `Ref`: exported as the related record's key; on import, the first of the
    ref's columns present in the file resolves the record for all of them."""

    def __init__(self, spec: Spec, ref: Ref, column: str, lookup: str):
        # The attribute is the relation itself, so that errors are reported on it and
        # full_clean() does not report it again.
        super().__init__(attribute=ref.field, column_name=column, widget=widgets.CharWidget())
        self.ref = ref
        self.lookup = lookup
        self.fk = spec.model._meta.get_field(ref.field)

    def get_value(self, instance):
        related = super().get_value(instance)
        return None if related is None else getattr(related, self.lookup)

    def save(self, instance, row, is_m2m=False, **kwargs):
        present = [c for c in self.ref.column_names if c in row]
        if present[0] == self.column_name:
            setattr(instance, self.ref.field, resolve_ref(self.ref, self.fk, row, instance))


class TextCellWidget(widgets.CharWidget):
    """Text as the command's importer reads it: trimmed, and an empty cell is NULL where the
    field allows it, "" otherwise."""

    def __init__(self, null: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.null = null

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if not text:
            return None if self.null else ""
        return text


class BooleanWordWidget(widgets.BooleanWidget):
    """Reads the words the command's importer reads (true/false, yes/no, 1/0)."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, str):
            word = value.strip().lower()
            if not word:
                return None
            return word in TRUE_WORDS
        return super().clean(value, row, **kwargs)


class SpecResource(resources.ModelResource):
    """Base of the generated resources. Rows are matched to records by `spec.keys` (not by
    import-export's `import_id_fields`), validated with `full_clean` and saved by the services."""

    spec: Spec

    @classmethod
    def widget_kwargs_for_field(cls, field_name, django_field):
        if isinstance(django_field, TEXT_FIELDS):
            return {"null": django_field.null}
        return super().widget_kwargs_for_field(field_name, django_field)

    @classmethod
    def widget_from_django_field(cls, f, default=widgets.Widget):
        if isinstance(f, TEXT_FIELDS):
            return TextCellWidget
        if isinstance(f, models.BooleanField):
            return BooleanWordWidget
        return super().widget_from_django_field(f, default)

    def before_import(self, dataset, **kwargs):
        problems = check_columns(self.spec, [str(h).strip() for h in dataset.headers or []])
        if problems:
            raise FileProblem(" ".join(problems))

    def before_import_row(self, row, **kwargs):
        if not _cell(row, "uuid"):
            row.pop("uuid", None)  # a new record keeps its generated uuid

    def get_instance(self, instance_loader, row):
        probe = self._meta.model()
        for ref in self.spec.refs:
            fk = probe._meta.get_field(ref.field)
            try:
                setattr(probe, ref.field, resolve_ref(ref, fk, row, probe))
            except ValueError:
                return None  # import_instance reports it on the field
        for key_fields in self.spec.keys:
            criteria = {}
            for name in key_fields:
                if any(ref.field == name for ref in self.spec.refs):
                    criteria[f"{name}_id"] = getattr(probe, f"{name}_id")
                elif _cell(row, name):
                    lookup = f"{name}__iexact" if name in self.spec.casefold else name
                    criteria[lookup] = _cell(row, name)
                else:
                    break
            else:
                matches = list(self._meta.model._default_manager.filter(**criteria)[:2])
                if len(matches) > 1:
                    raise ValueError(
                        msg.RECORD_AMBIGUOUS.format(model=self._meta.model._meta.verbose_name)
                    )
                return matches[0] if matches else None
        return None

    def do_instance_save(self, instance, is_create):
        instance._change_reason = CHANGE_REASON
        record_save(record=instance)


def _resource_class(spec: Spec) -> type[SpecResource]:
    attrs = {"spec": spec, "__module__": __name__}
    for ref in spec.refs:
        for column, lookup in ref.columns:
            attrs[column] = RefField(spec, ref, column, lookup)
    attrs["Meta"] = type(
        "Meta",
        (),
        {
            "model": spec.model,
            "fields": spec.columns,
            "import_order": spec.columns,
            "export_order": spec.columns,
            "clean_model_instances": True,
            "skip_unchanged": True,
            "report_skipped": True,
        },
    )
    name = f"{spec.model.__name__}Resource"
    return resources.ModelDeclarativeMetaclass(name, (SpecResource,), attrs)


RESOURCES: dict[type[models.Model], type[SpecResource]] = {
    spec.model: _resource_class(spec) for spec in SPECS.values()
}
