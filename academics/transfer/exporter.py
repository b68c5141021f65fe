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

from academics.transfer.specs import Spec

CHUNK_SIZE = 5000
FORMATS = ("csv", "json")


def export_paths(spec: Spec) -> list[str]:
    """The queryset paths of `spec.columns`, in the same order."""
    paths = []
    for ref in spec.refs:
        paths.extend(f"{ref.field}__{lookup}" for _, lookup in ref.columns)
    return paths + list(spec.fields)


def export_rows(spec: Spec, queryset=None) -> Iterator[tuple]:
    """The values of every live record (or of `queryset`), one tuple per record, in pk order."""
    queryset = spec.model._default_manager.all() if queryset is None else queryset
    return queryset.order_by("pk").values_list(*export_paths(spec)).iterator(CHUNK_SIZE)


def _csv_cell(value):
    if value is True:
        return "true"
    if value is False:
        return "false"
    return value


def _json_default(value):
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError


def write_export(
    spec: Spec,
    out: BinaryIO,
    *,
    file_format: str = "csv",
    queryset=None,
    on_row: Callable[[], None] | None = None,
) -> int:
    """Write the export to the binary stream `out`; returns the number of rows."""
    columns = spec.columns
    rows = export_rows(spec, queryset)
    count = 0
    if file_format == "csv":
        text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
        writer = csv.writer(text)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_csv_cell(v) for v in row])
            count += 1
            if on_row:
                on_row()
        text.flush()
        text.detach()
    else:
        out.write(b"[")
        for row in rows:
            out.write(b"\n" if count == 0 else b",\n")
            out.write(orjson.dumps(dict(zip(columns, row, strict=True)), default=_json_default))
            count += 1
            if on_row:
                on_row()
        out.write(b"\n]\n")
    return count
