"""django-import-export resources for the admin, running the command's importer (`RowImporter`).

django-import-export gives the admin its upload form (CSV or XLSX), the preview of what each row
would do and the confirmation step; the rows themselves are matched, validated and written by
the same importer as `manage.py import_records`: the same natural keys, rules, messages and
all-or-nothing write, at the same speed, with every change in the history under the registrar's
name.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.html import format_html
from import_export import fields, resources
from import_export.results import Error, Result
from import_export.results import RowResult as PreviewRow

from academics.history import Actor, acting_as
from academics.transfer.files import FileProblem, cell_text, row_cells
from academics.transfer.importer import RowImporter
from academics.transfer.rows import CREATE, REJECT, UNCHANGED, UPDATE, RowResult, check_columns
from academics.transfer.specs import SPECS, Spec

# Rows of each kind shown in the preview; the totals count every row.
PREVIEW_ROWS = 1000
PREVIEW_TYPES = {
    CREATE: PreviewRow.IMPORT_TYPE_NEW,
    UPDATE: PreviewRow.IMPORT_TYPE_UPDATE,
    UNCHANGED: PreviewRow.IMPORT_TYPE_SKIP,
    REJECT: PreviewRow.IMPORT_TYPE_INVALID,
}


def dataset_rows(dataset, header: list[str]):
    """(line number, {column: text}) per row; line 1 is the header, as in the spreadsheet."""
    for number, values in enumerate(dataset, start=2):
        cells = [cell_text(value) for value in values]
        if any(cells):
            yield number, row_cells(header, cells)


class SpecResource(resources.ModelResource):
    """Base of the generated resources: `import_data` runs `RowImporter` over the dataset and
    reports in django-import-export's terms (a `Result` of previewed and invalid rows)."""

    spec: Spec

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        result = Result()
        header = [cell_text(h) for h in dataset.headers or []]
        shown = [column for column in header if column]
        result.diff_headers = shown
        problems = check_columns(self.spec, header)
        if problems:
            result.append_base_error(Error(FileProblem(" ".join(problems))))
            return result
        file_name = kwargs.get("file_name")
        rows = dataset_rows(dataset, header)
        cells = {}

        def keep_cells():
            for line, values in rows:
                cells[line] = values
                yield line, values

        def preview(row: RowResult) -> None:
            values = cells.pop(row.line)
            import_type = PREVIEW_TYPES[row.action]
            result.totals[import_type] += 1
            if import_type == PreviewRow.IMPORT_TYPE_INVALID:
                if len(result.invalid_rows) < PREVIEW_ROWS:
                    result.append_invalid_row(row.line, values, _validation_error(row))
                return
            if len(result.rows) < PREVIEW_ROWS:
                result.append_row_result(_preview_row(row, import_type, shown, values))

        with acting_as(Actor.file_import(file_name, user=kwargs.get("user"))):
            importer = RowImporter(self.spec, header)
            report = importer.run(keep_cells(), dry_run=dry_run, on_row=preview)
        result.total_rows = report.rows
        for error in report.errors:
            if error.line is None:  # a file-level error (a constraint at write time)
                result.append_base_error(Error(ValidationError(error.message)))
        return result


def _validation_error(row: RowResult) -> ValidationError:
    by_column: dict[str, list[str]] = {}
    for error in row.errors:
        by_column.setdefault(error.column or NON_FIELD_ERRORS, []).append(error.message)
    return ValidationError(by_column)


def _preview_row(row: RowResult, import_type: str, header: list[str], values) -> PreviewRow:
    preview = PreviewRow()
    preview.number = row.line  # the spreadsheet line, shown in the preview
    preview.import_type = import_type
    preview.object_repr = row.label
    preview.row_values = values
    preview.diff = [
        format_html("<ins>{}</ins>", values[column]) if column in row.changed else values[column]
        for column in header
    ]
    return preview


def _resource_class(spec: Spec) -> type[SpecResource]:
    # The columns, declared for the import page's list of what a file may hold.
    attrs = {column: fields.Field(column_name=column) for column in spec.columns}
    attrs |= {"spec": spec, "__module__": __name__}
    attrs["Meta"] = type("Meta", (), {"model": spec.model, "fields": spec.columns})
    name = f"{spec.model.__name__}Resource"
    return resources.ModelDeclarativeMetaclass(name, (SpecResource,), attrs)


RESOURCES: dict[type[models.Model], type[SpecResource]] = {
    spec.model: _resource_class(spec) for spec in SPECS.values()
}
