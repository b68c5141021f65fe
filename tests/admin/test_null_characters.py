"""PostgreSQL text cannot hold a null character: the admin's search answers 400, not 500."""

from tests.admin.conftest import tenant_client


def test_a_null_character_in_an_autocomplete_term_is_a_400(registrar):
    client = tenant_client(registrar)
    client.raise_request_exception = False
    path = "/admin/autocomplete/?app_label=academics&model_name=enrollment&field_name=course"
    assert client.get(f"{path}&term=%00").status_code == 400
