"""Conditional requests on one record (docs/api.md, Safe writes): the `ETag` is the record's
revision, a strong validator that every write bumps (`academics.services.record_save`)."""

from rest_framework import exceptions

from academics.api import messages as api_msg


class PreconditionFailed(exceptions.APIException):
    status_code = 412
    default_detail = api_msg.RECORD_CHANGED


def etag_of(record) -> str:
    return f'"{record.revision}"'


def _tags(header: str) -> list[str]:
    return [tag.strip() for tag in header.split(",") if tag.strip()]


def if_match(request, record) -> set[int] | None:
    """The revisions `If-Match` accepts (None: no condition, or `*`); raises PreconditionFailed
    at once when the record as read already fails it (the service checks again under lock).
    Comparison is strong: a weak tag never matches."""
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    accepted = set()
    for tag in _tags(header):
        if tag.startswith('"') and tag.endswith('"') and tag[1:-1].isdigit() and tag.isascii():
            accepted.add(int(tag[1:-1]))
    if record.revision not in accepted:
        raise PreconditionFailed
    return accepted


def if_none_match_hits(request, record) -> bool:
    """Whether `If-None-Match` names the record's current version (weak comparison)."""
    header = request.headers.get("If-None-Match")
    if header is None:
        return False
    if header.strip() == "*":
        return True
    current = etag_of(record)
    return any(tag.removeprefix("W/") == current for tag in _tags(header))
