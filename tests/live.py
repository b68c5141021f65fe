"""A live server thread on the test database, for tests that need a real HTTP server."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.db import connection
from django.test.testcases import LiveServerThread


@contextmanager
def live_server() -> Iterator[int]:
    """Serve the app on 127.0.0.1; yields the port. Server threads close their database
    connection after each request, so none is left open (keep-alive sockets) when the test
    database is dropped."""
    max_age = connection.settings_dict["CONN_MAX_AGE"]
    connection.settings_dict["CONN_MAX_AGE"] = 0
    server = LiveServerThread("127.0.0.1", StaticFilesHandler)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    try:
        if server.error:
            raise server.error
        yield server.port
    finally:
        server.terminate()
        connection.settings_dict["CONN_MAX_AGE"] = max_age
