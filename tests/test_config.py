from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.database import database_settings

URL = "postgresql://app:secret@db.internal:5433/records"


def settings_for(**overrides):
    options = {
        "database_url": URL,
        "data_dir": Path("/unused"),
        "test_name": None,
        "conn_max_age": 600,
        "conn_health_checks": False,
    }
    return database_settings(**(options | overrides))


def test_database_url_is_used_on_the_tenant_aware_backend():
    config = settings_for()
    assert config["ENGINE"] == "academics.tenancy.session_path"
    assert (config["HOST"], config["PORT"], config["NAME"], config["USER"]) == (
        "db.internal",
        5433,
        "records",
        "app",
    )
    assert config["CONN_MAX_AGE"] == 600
    assert "TEST" not in config


def test_health_checks_and_test_database_name_follow_the_arguments():
    config = settings_for(conn_health_checks=True, test_name="test_other")
    assert config["CONN_HEALTH_CHECKS"] is True
    assert config["TEST"] == {"NAME": "test_other"}


def test_health_checks_are_off_by_default_in_settings(settings):
    # A check costs a round trip per request; see config/settings.py.
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is False


def test_a_transaction_pooler_gets_the_backend_that_sets_the_schema_per_statement():
    # docs/operations.md, Connection pooling
    assert settings_for(pooler="transaction")["ENGINE"] == "academics.tenancy.transaction_pooling"
    assert settings_for(pooler="session")["ENGINE"] == "academics.tenancy.session_path"


def test_an_unknown_pooler_mode_is_refused():
    with pytest.raises(ImproperlyConfigured, match="DATABASE_POOLER"):
        settings_for(pooler="statement")
