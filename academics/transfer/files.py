"""Reading import files: CSV (UTF-8, with or without the byte-order mark spreadsheets write),
with commas, semicolons (what spreadsheets write where the comma is the decimal mark) or tabs
between cells; or JSON, an array of objects as `export_records --format json` writes it, read
one object at a time (ijson), so that memory stays flat whatever the file's size."""

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import ijson

from academics.transfer import messages as msg
from academics.transfer.formulas import restore

DELIMITERS = (",", ";", "\t")
# The key under which a row holds the number of the first column without a name in the header
# whose cell has a value (spreadsheets often save empty columns past the last named one).
UNNAMED = ""


def row_cells(header: list[str], cells: list[str]) -> dict[str, str | int]:
    """{column: trimmed cell} of a data row, without an export's formula quote (formulas.py).
    Cells of unnamed columns are left out when blank; a value in one is kept as its column
    number under `UNNAMED`, for the importer to refuse."""
    if all(header):
        return {column: restore(cell.strip()) for column, cell in zip(header, cells, strict=True)}
    row: dict[str, str | int] = {}
    for number, (column, cell) in enumerate(zip(header, cells, strict=True), start=1):
        if column:
            row[column] = restore(cell.strip())
        elif cell.strip():
            row.setdefault(UNNAMED, number)
    return row


def csv_delimiter(header_line: str) -> str:
    """The delimiter that cuts the header line into the most cells (a comma on a tie)."""
    return max(DELIMITERS, key=lambda d: len(next(csv.reader([header_line], delimiter=d), [])))


def _first_line(path: Path) -> str:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        for line in handle:
            if line.strip():
                return line
    return ""


class FileProblem(Exception):
    """The file cannot be imported at all (missing, not UTF-8, no header)."""


def check_csv(path: Path) -> tuple[list[str], int]:
    """The header and the number of data rows, reading the whole file once so that a decoding
    error is found before anything is written."""
    if not path.is_file():
        raise FileProblem(msg.FILE_MISSING.format(path=path))
    header = None
    rows = 0
    try:
        delimiter = csv_delimiter(_first_line(path))
        with path.open(newline="", encoding="utf-8-sig") as handle:
            for cells in csv.reader(handle, delimiter=delimiter):
                if not any(cells):
                    continue
                if header is None:
                    header = [c.strip() for c in cells]
                else:
                    rows += 1
    except UnicodeDecodeError as error:
        line = _first_undecodable_line(path)
        raise FileProblem(msg.FILE_NOT_UTF8.format(path=path, line=line)) from error
    if header is None:
        raise FileProblem(msg.FILE_EMPTY.format(path=path))
    return header, rows


def _first_undecodable_line(path: Path) -> int:
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return 0


def csv_rows(path: Path) -> Iterator[tuple[int, dict[str, str] | None]]:
    """(line number, {column: trimmed cell}) for every data row; the cells are None when the
    row's length differs from the header's (it cannot be read safely)."""
    delimiter = csv_delimiter(_first_line(path))
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        header = None
        last_line = 0
        for cells in reader:
            line, last_line = last_line + 1, reader.line_num
            if not any(cells):
                continue
            if header is None:
                header = [c.strip() for c in cells]
                continue
            if len(cells) != len(header):
                yield line, None
                continue
            yield line, row_cells(header, cells)


def cell_text(value) -> str:
    """A typed value (an XLSX cell, a JSON value) as the text a CSV file would hold."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        midnight = value.time() == datetime.min.time()
        return value.date().isoformat() if midnight else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _json_records(path: Path) -> Iterator:
    with path.open("rb") as handle:
        start = handle.read(256).lstrip()
        if not start.startswith(b"["):
            raise FileProblem(msg.JSON_NOT_ARRAY.format(path=path))
        handle.seek(0)
        yield from ijson.items(handle, "item")


def check_json(path: Path) -> tuple[list[str], int]:
    """The columns (every key, in order of first appearance) and the number of records, reading
    the whole file once so that a malformed one is found before anything is written."""
    if not path.is_file():
        raise FileProblem(msg.FILE_MISSING.format(path=path))
    columns: dict[str, None] = {}
    total = 0
    try:
        for record in _json_records(path):
            total += 1
            if not isinstance(record, dict):
                raise FileProblem(msg.JSON_NOT_OBJECT.format(path=path, number=total))
            columns.update(dict.fromkeys(record))
    except ijson.JSONError as error:
        raise FileProblem(msg.FILE_NOT_JSON.format(path=path, error=error)) from error
    return list(columns), total


def json_rows(path: Path, header: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(record number, {column: text}) for every record; a key a record lacks reads as empty."""
    for number, record in enumerate(_json_records(path), start=1):
        yield number, row_cells(header, [cell_text(record.get(column)) for column in header])


@dataclass(frozen=True)
class ImportSource:
    """A file ready to be imported: its columns, its number of rows, its rows (read afresh on
    each call) and what reports call a row: a CSV file's line, a JSON file's record."""

    header: list[str]
    total: int
    rows: Callable[[], Iterator[tuple[int, dict | None]]]
    unit: str


def open_source(path: Path) -> ImportSource:
    """Check `path` as a JSON file (by its suffix) or else a CSV file; raises FileProblem."""
    if path.suffix.lower() == ".json":
        header, total = check_json(path)
        return ImportSource(header, total, lambda: json_rows(path, header), "record")
    header, total = check_csv(path)
    return ImportSource(header, total, lambda: csv_rows(path), "line")
