"""Import and export entry points for the commands, the admin and the benchmark."""

from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from django.db import transaction

from academics.history import Actor, acting_as
from academics.transfer import messages as msg
from academics.transfer.exporter import write_export
from academics.transfer.files import FileProblem, ImportSource, open_source
from academics.transfer.importer import RowImporter
from academics.transfer.rows import ImportReport, RowResult, check_columns
from academics.transfer.specs import SPECS, Spec


class TransferError(Exception):
    """The import or export cannot start: unknown resource, unreadable file, wrong columns."""


def spec_for(resource: str) -> Spec:
    try:
        return SPECS[resource]
    except KeyError:
        raise TransferError(
            msg.UNKNOWN_RESOURCE.format(name=resource, choices=", ".join(SPECS))
        ) from None


def import_source_open(*, resource: str, path: Path) -> tuple[Spec, ImportSource]:
    """Check that `path` (CSV, or JSON by its suffix) can be imported as `resource`."""
    spec = spec_for(resource)
    try:
        source = open_source(path)
    except FileProblem as error:
        raise TransferError(str(error)) from error
    problems = check_columns(spec, source.header)
    if problems:
        raise TransferError(" ".join(problems))
    return spec, source


def records_import_file(
    *,
    resource: str,
    path: Path,
    dry_run: bool = False,
    on_row: Callable[[RowResult], None] | None = None,
) -> ImportReport:
    """Import a CSV or JSON file of `resource` into the active tenant: every row or none.
    Raises TransferError when the file cannot be read as that resource at all. History names
    the file."""
    spec, source = import_source_open(resource=resource, path=path)
    with acting_as(Actor.file_import(path.name)):
        importer = RowImporter(spec, source.header, unit=source.unit)
        return importer.run(source.rows(), dry_run=dry_run, on_row=on_row)


def records_export(
    *,
    resource: str,
    out: BinaryIO,
    file_format: str = "csv",
    queryset=None,
    on_row: Callable[[], None] | None = None,
) -> int:
    """Stream the active tenant's live records of `resource` (or `queryset`) to `out`."""
    spec = spec_for(resource)
    # A transaction lets the server-side cursor stream without being materialised WITH HOLD,
    # and gives the whole file one consistent snapshot.
    with transaction.atomic():
        return write_export(spec, out, file_format=file_format, queryset=queryset, on_row=on_row)
