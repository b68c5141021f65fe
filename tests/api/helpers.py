"""Assertions shared by the per-resource API tests."""

from academics.api import messages as api_msg


def assert_invalid(response, field: str, message: str) -> None:
    """A 422 in the contract's envelope whose only error is `message` on `field`."""
    assert response.status_code == 422, response.json()
    assert response.json() == {
        "success": False,
        "message": api_msg.INVALID_DATA,
        "errors": {field: [message]},
    }


def assert_conflict(response, message: str) -> None:
    assert response.status_code == 409, response.json()
    assert response.json() == {"success": False, "message": message}
