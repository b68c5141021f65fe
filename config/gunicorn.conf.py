"""gunicorn settings for `make serve` (production-like serving). Sync workers: each request
holds one database connection, kept open between requests (CONN_MAX_AGE)."""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
# 2 x cores + 1 is gunicorn's rule of thumb for sync workers; capped so a large machine does
# not open more database connections than PostgreSQL allows by default.
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 12)))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so that a slow leak cannot grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 20000))
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
# Load the app (and start the embedded database, when used) once, before forking.
preload_app = True
