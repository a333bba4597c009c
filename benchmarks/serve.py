"""Serve a WSGI app under gunicorn for a benchmark, as production would, and stop it afterwards.

    from benchmarks.serve import serve
    with serve("app:app", {"DATABASE_URL": url}, ready_path="/healthz") as base_url:
        ...  # http://127.0.0.1:<free port>

Any WSGI app spec gunicorn understands (``module:variable``) works; ``benchmarks/hello_app.py``
is the reference every benchmark can compare with (``serve("benchmarks.hello_app:app", ready_path="/")``).
The server runs in its own process with the given environment added to ours, on a free port of
127.0.0.1, with the portal's production settings (sync workers, 2 unless told) and its output in a
log file that is printed when it fails to start.
"""
from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A port nobody listens on now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers(host: str, port: int, path: str) -> bool:
    """True once ``GET path`` gets a response that is no server error."""
    connection = http.client.HTTPConnection(host, port, timeout=2)
    try:
        connection.request("GET", path)
        return connection.getresponse().status < 500
    except OSError:
        return False
    finally:
        connection.close()


@contextmanager
def serve(app_spec: str, env: dict[str, str] | None = None, *, workers: int = 2, ready_path: str = "/healthz",
          startup_seconds: float = 60, cwd: Path = ROOT, gunicorn_args: tuple[str, ...] = (),
          log_path: Path | None = None) -> Iterator[str]:
    """Run ``gunicorn app_spec`` until the block ends; yields its base URL (``http://127.0.0.1:<port>``).
    The server's output goes to ``log_path`` when given (kept), else to a temporary file."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--worker-class", "sync",
               "--bind", f"127.0.0.1:{port}", *gunicorn_args, app_spec]
    opened = open(log_path, "w+") if log_path else tempfile.NamedTemporaryFile("w+", prefix="gunicorn-", suffix=".log")
    with opened as log:
        server = subprocess.Popen(command, cwd=cwd, env={**os.environ, **(env or {})}, stdout=log,
                                  stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + startup_seconds
            while not answers("127.0.0.1", port, ready_path):
                if server.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"gunicorn {app_spec} did not answer {ready_path}:\n{log.read()[-4000:]}")
                time.sleep(0.1)
            yield f"http://127.0.0.1:{port}"
        finally:
            stop(server)


def stop(server: subprocess.Popen) -> None:
    """A graceful stop (TERM: gunicorn's workers finish their request, ``flask outbox work`` the message
    in hand), then a kill if it hangs."""
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@contextmanager
def fresh_database(server: str | None, folder: str):
    """A SQLite file in ``folder``, or a database of our own on a PostgreSQL server."""
    if not server:
        yield f"sqlite:///{folder}/bench.sqlite3"
        return
    name = f"portal_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def prepare(env: dict[str, str], cwd: Path = ROOT) -> None:
    """Migrate and load the demo data, as an operator would (with the code of the checkout ``cwd``)."""
    for command in (["db", "upgrade"], ["demo-data"]):
        subprocess.run([sys.executable, "-m", "flask", "--app", "app", *command], cwd=cwd, check=True,
                       env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
