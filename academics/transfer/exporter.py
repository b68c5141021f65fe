"""Exporting a resource's live records with the columns its import reads, so that a file
exported and imported again changes nothing.

Rows are streamed: a server-side cursor (`QuerySet.iterator`) reads them in chunks and each is
written as soon as it is read, so memory stays flat whatever the number of records.
"""

import csv
import io
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import BinaryIO

import orjson
from django.db.models import TextField, UUIDField
from django.db.models.functions import Cast
from openpyxl import Workbook

from academics.transfer.formulas import neutralise
from academics.transfer.specs import Spec

CHUNK_SIZE = 5000
FORMATS = ("csv", "json")


def export_columns(spec: Spec) -> list:
    """What `values_list` reads for `spec.export_columns`, in the same order: each column's path,
    and uuids cast to text by the database (building a Python UUID per value only to print it
    again cost about a fifth of the export's time)."""
    meta = spec.model._meta
    targets = []
    for ref in spec.refs:
        related = meta.get_field(ref.field).related_model._meta
        targets.extend(
            (f"{ref.field}__{lookup}", related.get_field(lookup)) for _, lookup in ref.columns
        )
    targets.extend((name, meta.get_field(name)) for name in spec.fields)
    targets.extend((path, None) for _, path in spec.readable)
    return [
        Cast(path, TextField()) if isinstance(field, UUIDField) else path for path, field in targets
    ]


def export_rows(spec: Spec, queryset=None) -> Iterator[tuple]:
    """The values of every live record (or of `queryset`), one tuple per record, in pk order."""
    queryset = spec.model._default_manager.all() if queryset is None else queryset
    return queryset.order_by("pk").values_list(*export_columns(spec)).iterator(CHUNK_SIZE)


def _csv_cell(value):
    if value is True:
        return "true"
    if value is False:
        return "false"
    return neutralise(value)


def _json_default(value):
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError


def export_chunks(
    spec: Spec,
    *,
    file_format: str = "csv",
    queryset=None,
    on_row: Callable[[], None] | None = None,
) -> Iterator[bytes]:
    """The export as encoded pieces of about `CHUNK_SIZE` rows, produced as rows are read (for
    a file, standard output or a streaming HTTP response)."""
    columns = spec.export_columns
    buffer = io.StringIO()
    if file_format == "csv":
        writer = csv.writer(buffer)
        writer.writerow(columns)

        def write(row):
            writer.writerow([_csv_cell(v) for v in row])

        closing = ""
    else:
        buffer.write("[")
        separator = "\n"

        def write(row):
            nonlocal separator
            buffer.write(separator)
            # JSON files get opened in spreadsheets too.
            cells = (neutralise(value) for value in row)
            record = orjson.dumps(dict(zip(columns, cells, strict=True)), default=_json_default)
            buffer.write(record.decode())
            separator = ",\n"

        closing = "\n]\n"
    pending = 0
    for row in export_rows(spec, queryset):
        write(row)
        pending += 1
        if on_row:
            on_row()
        if pending == CHUNK_SIZE:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    buffer.write(closing)
    yield buffer.getvalue().encode()


def export_xlsx(spec: Spec, queryset=None) -> bytes:
    """The export as an XLSX workbook: one sheet, the header, then typed cells (dates, numbers,
    true/false) that import reads back (`files.cell_text`). Built in memory: a workbook is a zip
    and cannot be streamed as rows are read; openpyxl's write-only mode keeps it lean."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(spec.name)
    sheet.append(list(spec.export_columns))
    for row in export_rows(spec, queryset):
        # An empty cell as "": write-only mode skips None, which leaves rows short for readers.
        sheet.append(["" if value is None else neutralise(value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def write_export(
    spec: Spec,
    out: BinaryIO,
    *,
    file_format: str = "csv",
    queryset=None,
    on_row: Callable[[], None] | None = None,
) -> int:
    """Write the export to the binary stream `out`; returns the number of rows."""
    count = 0

    def counted():
        nonlocal count
        count += 1
        if on_row:
            on_row()

    for piece in export_chunks(spec, file_format=file_format, queryset=queryset, on_row=counted):
        out.write(piece)
    return count
