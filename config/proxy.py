"""`make serve-proxy`: gunicorn behind the buffering nginx of config/nginx.conf.

    python -m config.proxy --listen 127.0.0.1:8000 --upstream 127.0.0.1:8001

starts gunicorn on the upstream address (config/gunicorn.conf.py) and nginx on the listening one,
and stops both when either stops or on Ctrl-C. `--upstream` may be given several times with
`--no-app` to put one proxy in front of app servers started elsewhere. The tests start it too.
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "config" / "nginx.conf"


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(path, os.X_OK)),
        None,
    )


def write_config(directory: Path, listen: str, upstreams: list[str]) -> Path:
    """config/nginx.conf with its @NAMES@ filled in, written into `directory`."""
    from django.conf import settings

    directory.mkdir(parents=True, exist_ok=True)
    values = {
        "DIR": str(directory.resolve()),
        "LISTEN": listen,
        "UPSTREAMS": " ".join(f"server {upstream};" for upstream in upstreams),
        "API_MAX_BODY_BYTES": str(settings.API_MAX_BODY_BYTES),
        "UPLOAD_MAX_BODY_BYTES": str(settings.UPLOAD_MAX_BODY_BYTES),
    }
    text = TEMPLATE.read_text()
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    path = directory / "nginx.conf"
    path.write_text(text)
    return path


def start_nginx(directory: Path, listen: str, upstreams: list[str]) -> subprocess.Popen:
    binary = nginx_binary()
    if binary is None:
        sys.exit("nginx is not installed (Debian: apt-get install nginx-light).")
    config = write_config(directory, listen, upstreams)
    return subprocess.Popen([binary, "-c", str(config), "-p", str(directory.resolve())])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", default="127.0.0.1:8000")
    parser.add_argument("--upstream", action="append")
    parser.add_argument("--no-app", action="store_true", help="only the proxy")
    parser.add_argument("--dir", default=str(ROOT / ".data" / "nginx"))
    args = parser.parse_args()
    upstreams = args.upstream or ["127.0.0.1:8001"]

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    processes = [start_nginx(Path(args.dir), args.listen, upstreams)]
    if not args.no_app:
        environment = {
            **os.environ,
            "BIND": upstreams[0],
            # The proxy on this machine is the only one whose X-Forwarded-For is believed.
            "TRUSTED_PROXIES": os.environ.get("TRUSTED_PROXIES", "127.0.0.1,::1"),
        }
        gunicorn = [sys.executable, "-m", "gunicorn", "config.wsgi"]
        processes.append(
            subprocess.Popen(
                [*gunicorn, "--config", str(ROOT / "config" / "gunicorn.conf.py")],
                env=environment,
            )
        )
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        os.wait()  # until either stops
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait()


if __name__ == "__main__":
    main()
