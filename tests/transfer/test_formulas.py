"""Spreadsheet-safe exports: formula-like text is quoted, and imports read it back."""

import csv
import io
import json

import openpyxl
import pytest
from django.core.management import call_command
from django_tenants.utils import tenant_context

from academics.models import Student
from academics.transfer.formulas import neutralise, restore
from tests.conftest import TENANT_A, TENANT_B
from tests.factories import StudentFactory

DANGEROUS = [
    '=HYPERLINK("http://evil.example","x")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    "'=already quoted",
    "'s-Hertogenbosch",
    "Plain name",
]


@pytest.mark.parametrize("value", DANGEROUS)
def test_restore_undoes_neutralise(value):
    assert restore(neutralise(value)) == value


@pytest.mark.parametrize("value", DANGEROUS[:6])
def test_no_exported_cell_starts_a_formula(value):
    assert neutralise(value)[0] == "'"


def export(model, file_format="csv") -> str:
    out = io.StringIO()
    call_command("export_records", TENANT_A, model, "--format", file_format, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("file_format", ["csv", "json"])
def test_formula_names_are_quoted_in_exports_and_read_back_by_import(
    tenant_a, tenant_b, tmp_path, file_format
):
    # given students whose names a spreadsheet would run
    with tenant_context(tenant_a):
        for number, name in enumerate(DANGEROUS):
            StudentFactory(name=name.strip() or "x", email=f"f{number}@example.edu")
        expected = sorted(Student.objects.values_list("email", "name"))

    # when they are exported
    text = export("students", file_format)

    # then no cell starts a formula
    if file_format == "csv":
        cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    else:
        cells = [str(value) for record in json.loads(text) for value in record.values()]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]

    # and the file imported into another tenant gives the same names back
    path = tmp_path / f"students.{file_format}"
    path.write_text(text)
    call_command("import_records", TENANT_B, "students", str(path), stdout=io.StringIO())
    with tenant_context(tenant_b):
        assert sorted(Student.objects.values_list("email", "name")) == expected


def test_an_xlsx_upload_of_quoted_cells_reads_them_back():
    from academics.transfer.resources import dataset_rows

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["name"])
    sheet.append([neutralise("=1+1")])
    rows = list(dataset_rows([[sheet["A2"].value]], ["name"]))
    assert rows == [(2, {"name": "=1+1"})]
