"""Reading import files: CSV (UTF-8, with or without the byte-order mark spreadsheets write),
with commas, semicolons (what spreadsheets write where the comma is the decimal mark) or tabs
between cells."""

import csv
from collections.abc import Iterator
from pathlib import Path

from academics.transfer import messages as msg

DELIMITERS = (",", ";", "\t")
# The key under which a row holds the number of the first column without a name in the header
# whose cell has a value (spreadsheets often save empty columns past the last named one).
UNNAMED = ""


def row_cells(header: list[str], cells: list[str]) -> dict[str, str | int]:
    """{column: trimmed cell} of a data row. Cells of unnamed columns are left out when blank;
    a value in one is kept as its column number under `UNNAMED`, for the importer to refuse."""
    if all(header):
        return {column: cell.strip() for column, cell in zip(header, cells, strict=True)}
    row: dict[str, str | int] = {}
    for number, (column, cell) in enumerate(zip(header, cells, strict=True), start=1):
        if column:
            row[column] = cell.strip()
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
