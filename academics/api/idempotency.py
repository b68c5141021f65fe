"""`Idempotency-Key` on the writes a client may have to retry without knowing whether the first
attempt happened (docs/api.md, "Idempotency-Key").

The first request with a key runs under a transaction-level advisory lock on (tenant, client,
key); its answer is stored in the same transaction as its writes, so a key is never kept for a
write that did not commit, nor a write committed without its key. A retry that finds the lock
taken answers 409 (the first is still running); one that finds the stored answer replays it,
byte for byte, when the request is the same, and refuses with 422 when it is not. 5xx answers
are not stored: the transaction keeps nothing, and a retry runs again.
"""

import hashlib
import re
from collections.abc import Callable
from datetime import timedelta

import orjson
from django.db import connection, transaction
from django.http import HttpResponse
from django.utils import timezone
from rest_framework.response import Response

from academics.api import messages as api_msg
from academics.api.transport import JsonRenderer, error_body
from academics.models import IdempotencyKey

HEADER = "Idempotency-Key"
KEEP_FOR = timedelta(hours=24)
# 1 to 255 printable ASCII characters (space to tilde).
VALID_KEY = re.compile(r"[\x20-\x7e]{1,255}")


def _fingerprint(request) -> str:
    body = orjson.dumps(request.data, option=orjson.OPT_SORT_KEYS, default=str)
    return hashlib.sha256(
        b"\n".join([request.method.encode(), request.path.encode(), body])
    ).hexdigest()


def _try_lock(client_uuid, key: str) -> bool:
    name = f"{connection.schema_name}\n{client_uuid}\n{key}".encode()
    lock_id = int.from_bytes(hashlib.sha256(name).digest()[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [lock_id])
        return cursor.fetchone()[0]


def _replay(stored: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(
        stored.content, status=stored.status_code, content_type="application/json"
    )
    response["Idempotent-Replayed"] = "true"
    if stored.etag:
        response["ETag"] = stored.etag
    return response


def idempotent(view, request, run: Callable[[], Response]):
    """Answer `request` with `run()` (the write), or with the stored answer of an earlier
    request of the same API client with the same `Idempotency-Key`."""
    key = request.headers.get(HEADER)
    if key is None:
        return run()
    if not VALID_KEY.fullmatch(key):
        return Response(error_body(api_msg.IDEMPOTENCY_KEY_INVALID), status=400)
    client_uuid = request.user.uuid
    fingerprint = _fingerprint(request)
    with transaction.atomic():
        if not _try_lock(client_uuid, key):
            return Response(
                error_body(api_msg.IDEMPOTENCY_KEY_IN_PROGRESS),
                status=409,
                headers={"Retry-After": "1"},
            )
        stored = IdempotencyKey.objects.filter(client_uuid=client_uuid, key=key).first()
        if stored is not None and stored.expires_at <= timezone.now():
            stored.delete()
            stored = None
        if stored is not None:
            if stored.fingerprint != fingerprint:
                message = api_msg.IDEMPOTENCY_KEY_REUSED
                return Response(error_body(message, errors={HEADER: [message]}), status=422)
            return _replay(stored)
        try:
            with transaction.atomic():
                response = run()
        except Exception as error:  # answered as the view would, so that a 4xx can be kept
            response = view.handle_exception(error)
        if response.status_code < 500:
            IdempotencyKey.objects.create(
                client_uuid=client_uuid,
                key=key,
                fingerprint=fingerprint,
                status_code=response.status_code,
                content=JsonRenderer().render(response.data).decode(),
                etag=response.get("ETag", ""),
                expires_at=timezone.now() + KEEP_FOR,
            )
        return response


def idempotency_keys_purge(*, now=None) -> int:
    """Delete the active tenant's keys kept past their 24 hours; returns how many."""
    deleted, _ = IdempotencyKey.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
