"""gunicorn settings for `make serve` and `make serve-proxy` (production-like serving). Sync
workers: each request holds one database connection, kept open between requests
(CONN_MAX_AGE). A sync worker is held by a slow client for as long as it dawdles: in production
it sits behind the buffering proxy of `make serve-proxy` (config/nginx.conf), which hands it
only complete requests."""

import json
import multiprocessing
import os

from gunicorn import util

bind = os.environ.get("BIND", "127.0.0.1:8000")
# 2 x cores + 1 is gunicorn's rule of thumb for sync workers; capped so a large machine does
# not open more database connections than PostgreSQL allows by default.
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 12)))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 20
keepalive = 5
# Request line and headers: the same bounds as the proxy's (config/nginx.conf); over them,
# 414 or 431 in JSON (below).
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# Recycle workers now and then so that a slow leak cannot grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 20000))
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
# Load the app (and start the embedded database, when used) once, before forking.
preload_app = True


def json_error(sock, status_int, reason, mesg):
    """gunicorn answers requests it cannot parse itself, in HTML; the contract wants the JSON
    envelope on every answer (docs/api.md, Errors). The detail stays in gunicorn's log."""
    body = json.dumps({"success": False, "message": f"{reason}."}).encode()
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    util.write_nonblock(sock, head.encode("latin-1") + body)


util.write_error = json_error
