import csv

import pytest

# The admin tests of imports and exports log in as the admin tests' staff users.
from tests.admin.conftest import registrar, registrar_client, viewer, viewer_client  # noqa: F401


@pytest.fixture
def write_csv(tmp_path):
    """Write rows (the first one is the header) to a CSV file and return its path."""

    def write(rows, name="records.csv"):
        path = tmp_path / name
        with path.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(rows)
        return path

    return write
