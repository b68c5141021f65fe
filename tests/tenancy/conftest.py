import pytest
from django.db import connection
from django.db.utils import load_backend


@pytest.fixture
def connect(db):
    """`connect(engine)`: a new autocommit connection to the test database on `engine`, outside
    the test's transaction."""
    opened = []

    def make(engine):
        settings_dict = {**connection.settings_dict, "ENGINE": engine, "CONN_MAX_AGE": 0}
        wrapper = load_backend(engine).DatabaseWrapper(settings_dict, alias="backend-test")
        opened.append(wrapper)
        return wrapper

    yield make
    for wrapper in opened:
        wrapper.close()
