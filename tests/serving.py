"""Real servers for the tests that need more than one process: gunicorn as `make serve` runs it,
nginx as `make serve-proxy` runs it, a private Redis, a private PgBouncer; and raw HTTP to talk
to them."""

import os
import pwd
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings

from config.proxy import nginx_binary, start_nginx
from tests.bench.runner import env_for_test_database

ROOT = Path(__file__).resolve().parents[1]


def committed(function, *args, **kwargs):
    """Run `function` on a connection of its own (a thread's), committed at once: the servers
    must see what a test in a rolled-back transaction creates for them."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    def run():
        try:
            return function(*args, **kwargs)
        finally:
            connection.close()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_health(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server on port {port} stopped")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing answered on port {port}")


def start_gunicorn(port: int, *, workers: int = 2, **environment: str) -> subprocess.Popen:
    """gunicorn with config/gunicorn.conf.py against the test database, DEBUG off."""
    env = {
        **env_for_test_database(),
        "DEBUG": "false",
        "SECRET_KEY": settings.SECRET_KEY,  # the key the test process hashes secrets with
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
        **environment,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--config", "config/gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    if "DATABASE_URL" in environment:  # deliberately unreachable: no health to wait for
        time.sleep(3)
    else:
        wait_for_health(port, process)
    return process


def start_proxy(directory: Path, port: int, upstreams: list[int], wait=True) -> subprocess.Popen:
    process = start_nginx(directory, f"127.0.0.1:{port}", [f"127.0.0.1:{p}" for p in upstreams])
    if wait:
        wait_for_health(port, process, timeout=10)
    else:
        time.sleep(0.5)
    return process


def start_redis(port: int) -> subprocess.Popen | None:
    binary = shutil.which("redis-server")
    if binary is None:
        return None
    process = subprocess.Popen(
        [binary, "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.1)
    process.terminate()
    return None


PGBOUNCER = "/usr/sbin/pgbouncer"  # Debian's pgbouncer package


def have_pgbouncer() -> bool:
    return os.access(PGBOUNCER, os.X_OK)


def start_pgbouncer(directory: Path, port: int, *, pool_size: int) -> subprocess.Popen:
    """PgBouncer on 127.0.0.1:`port` in transaction pooling mode, `pool_size` server connections
    to the test database (docs/operations.md, Connection pooling). PgBouncer refuses to run as
    root: then it switches, once it has read its files, to the owner of the database's socket
    directory, who may reach the socket."""
    from django.db import connection

    connection.ensure_connection()
    info = connection.connection.info
    password = f" password={info.password}" if info.password else ""
    config = directory / "pgbouncer.ini"
    config.write_text(
        f"""[databases]
{info.dbname} = host={info.host} port={info.port} user={info.user}{password}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {directory / "users.txt"}
pool_mode = transaction
default_pool_size = {pool_size}
max_client_conn = 200
"""
    )
    (directory / "users.txt").write_text(f'"{info.user}" ""\n')
    switch_user = []
    if os.getuid() == 0:
        owner = Path(info.host).stat().st_uid if info.host.startswith("/") else None
        switch_user = ["-u", pwd.getpwuid(owner).pw_name if owner else "nobody"]
    with open(directory / "pgbouncer.log", "wb") as log:
        process = subprocess.Popen(
            [PGBOUNCER, *switch_user, str(config)], stdout=log, stderr=subprocess.STDOUT
        )
    deadline = time.time() + 10
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError((directory / "pgbouncer.log").read_text())
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError("PgBouncer did not listen")


def stop(*processes: subprocess.Popen | None) -> None:
    for process in processes:
        if process is not None and process.poll() is None:
            process.terminate()
    for process in processes:
        if process is not None:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()


def have_nginx() -> bool:
    return nginx_binary() is not None


def raw_request(port: int, data: bytes, timeout: float = 10) -> bytes:
    """Send `data` as it is and read the answer until the server closes the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        connection.sendall(data)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def http(port: int, method: str, path: str, headers: dict | None = None, body: bytes = b""):
    """(status, headers, body) of one request with `Connection: close`."""
    lines = [f"{method} {path} HTTP/1.1", "Host: localhost", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    if body:
        lines.append(f"Content-Length: {len(body)}")
    answer = raw_request(port, ("\r\n".join(lines) + "\r\n\r\n").encode() + body)
    head, _, content = answer.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    parsed = dict(line.split(": ", 1) for line in header_lines)
    if parsed.get("Transfer-Encoding") == "chunked":
        content = dechunk(content)
    return int(status_line.split()[1]), parsed, content


def dechunk(content: bytes) -> bytes:
    out = b""
    while content:
        size, _, rest = content.partition(b"\r\n")
        length = int(size, 16)
        if length == 0:
            break
        out += rest[:length]
        content = rest[length + 2 :]
    return out
