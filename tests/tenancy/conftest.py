import pytest
from django.db import connection
from django.db.utils import load_backend


@pytest.fixture
def connect(db):
    """`connect(engine, **options)`: a new autocommit connection to the test database on
    `engine` (with these `OPTIONS`), outside the test's transaction."""
    opened = []

    def make(engine, **options):
        settings_dict = {**connection.settings_dict, "ENGINE": engine, "CONN_MAX_AGE": 0}
        settings_dict["OPTIONS"] = {**settings_dict["OPTIONS"], **options}
        wrapper = load_backend(engine).DatabaseWrapper(settings_dict, alias="backend-test")
        opened.append(wrapper)
        return wrapper

    yield make
    for wrapper in opened:
        wrapper.close()
