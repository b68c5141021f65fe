"""PostgreSQL text cannot hold a null character: the admin's search answers 400, not 500."""

import pytest

from tests.admin.conftest import tenant_client


@pytest.mark.parametrize(
    "path",
    [
        "/admin/autocomplete/?app_label=academics&model_name=enrollment&field_name=course"
        "&term=%00",
        "/admin/academics/course/?q=%00",
    ],
)
def test_a_null_character_in_an_admin_query_is_a_400(registrar, path):
    client = tenant_client(registrar)
    client.raise_request_exception = False
    assert client.get(path).status_code == 400


