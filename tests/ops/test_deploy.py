"""The deployment files: gunicorn starts with deploy/gunicorn.conf.py and answers /healthz, /readyz
and /metrics (added up over its workers), keeps answering through a reload (SIGHUP) and stops cleanly
on SIGTERM; the systemd units, the compose file and the Dockerfile name commands that exist.
(The image is built and run by deploy/docker-smoke.sh, which needs a Docker daemon.)"""
from __future__ import annotations

import configparser
import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import click
import pytest
import yaml
from flask_migrate import upgrade

from portal.extensions import db
from tests.conftest import make_app, temporary_database

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").iterdir())
BIN = Path(sys.executable).parent
#: Commands another branch adds (the outbox worker): checked once they exist.
NOT_YET_HERE = {("outbox", "work")}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, path: str, headers: dict | None = None):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def wait_until(condition, what: str, limit: float = 60.0):
    """Polls ``condition`` until true; the limit only stops a broken start from hanging the suite."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting: {what}")


def children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def healthz_count(port: int) -> float:
    from prometheus_client.parser import text_string_to_metric_families

    status, _headers, text = get(port, "/metrics")
    assert status == 200
    return sum(sample.value for family in text_string_to_metric_families(text) for sample in family.samples
               if sample.name == "portal_http_requests_total" and sample.labels["endpoint"] == "health.healthz")


@pytest.fixture
def gunicorn(tmp_path):
    """gunicorn on a free port with two workers, on a migrated database of its own."""
    with temporary_database(tmp_path) as url:
        app = make_app(url, tmp_path / "instance")
        with app.app_context():
            upgrade()
            db.engine.dispose()
        port = free_port()
        env = {**os.environ, "DATABASE_URL": url, "PORTAL_INSTANCE_PATH": str(tmp_path / "instance"),
               "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "2", "GUNICORN_THREADS": "2",
               "GUNICORN_GRACEFUL_TIMEOUT": "10", "LOG_FORMAT": "json",
               "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"), "PATH": f"{BIN}:{os.environ['PATH']}"}
        env.pop("PORTAL_ENV", None)
        log = (tmp_path / "gunicorn.log").open("w")
        process = subprocess.Popen([str(BIN / "gunicorn"), "--config", "deploy/gunicorn.conf.py", "app:app"],
                                   cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_until(lambda: get(port, "/healthz")[0] == 200, "gunicorn answering /healthz")
            wait_until(lambda: len(children(process.pid)) == 2, "two workers")
            yield process, port, tmp_path / "gunicorn.log", env
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            log.close()


def test_gunicorn_serves_health_readiness_and_metrics_of_all_workers(gunicorn):
    process, port, log, env = gunicorn
    status, headers, body = get(port, "/healthz")
    assert (status, json.loads(body)) == (200, {"status": "ok"})
    status, _headers, body = get(port, "/readyz")
    assert status == 200 and json.loads(body)["status"] == "ready"
    before = healthz_count(port)
    for _ in range(30):  # keep-alive off: spread over both workers
        assert get(port, "/healthz")[0] == 200
    assert healthz_count(port) == before + 30
    # the JSON access log carries the id the answer showed
    request_id = get(port, "/healthz")[1]["X-Request-ID"]
    wait_until(lambda: request_id in log.read_text(), "the access log line")
    [line] = [json.loads(text) for text in log.read_text().splitlines() if request_id in text]
    assert (line["logger"], line["path"], line["status"]) == ("gunicorn.access", "/healthz", 200)
    # the container's health check script agrees
    check = subprocess.run([sys.executable, str(DEPLOY / "healthcheck.py")], env=env)
    assert check.returncode == 0


def test_a_reload_replaces_the_workers_without_refusing_requests_and_sigterm_stops_it(gunicorn):
    process, port, log, _env = gunicorn
    old_workers = children(process.pid)
    before = healthz_count(port)
    process.send_signal(signal.SIGHUP)
    answered = 0

    def replaced():
        nonlocal answered
        assert get(port, "/healthz")[0] == 200  # never refused, never an error, during the reload
        answered += 1
        current = children(process.pid)
        return len(current) == 2 and not current & old_workers

    wait_until(replaced, "new workers after SIGHUP")
    assert process.poll() is None
    assert get(port, "/readyz")[0] == 200
    assert healthz_count(port) >= before + answered  # the old workers' counts are kept

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 0
    assert "Shutting down" in log.read_text()
    with pytest.raises(OSError):
        get(port, "/healthz")


# --- the systemd units ------------------------------------------------------------------------

def unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(path)
    return parser


def flask_command_exists(app, words: list[str]) -> bool:
    command = app.cli
    ctx = click.Context(command)
    for word in words:
        if not isinstance(command, click.Group):
            return True  # the rest are its arguments
        command = command.get_command(ctx, word)
        if command is None:
            return False
    return True


def check_command(app, argv: list[str]):
    """A flask command the app has, or gunicorn with the config file and the WSGI entry."""
    program = Path(argv[0]).name
    if program == "flask":
        assert argv[1:3] == ["--app", "app"], argv
        words = [word for word in argv[3:] if not word.startswith("-")][:2]
        if tuple(words) in NOT_YET_HERE and not flask_command_exists(app, words):
            return f"flask {' '.join(words)} is built on another branch"
        assert flask_command_exists(app, words), f"no such command: flask {' '.join(words)}"
    elif program == "gunicorn":
        assert argv[argv.index("--config") + 1] == "deploy/gunicorn.conf.py" and argv[-1] == "app:app"
        assert (ROOT / "deploy/gunicorn.conf.py").is_file()
    elif program == "sh":
        assert (ROOT / argv[1]).is_file()
    else:
        raise AssertionError(f"unexpected program {argv[0]}")
    return None


@pytest.mark.parametrize("path", [p for p in UNITS if p.suffix == ".service"], ids=lambda p: p.name)
def test_each_service_runs_an_existing_command_as_its_own_hardened_user(app, path):
    service = unit(path)["Service"]
    assert service["User"] == "invest-portal" and service["EnvironmentFile"] == "/etc/invest-portal/env"
    assert service["NoNewPrivileges"] == "yes" and service["ProtectSystem"] == "strict"
    assert "/srv/invest-portal/instance" in service["ReadWritePaths"]
    assert service["WorkingDirectory"] == "/srv/invest-portal"
    argv = shlex.split(service["ExecStart"])
    assert argv[0].startswith("/srv/invest-portal/.venv/bin/")
    note = check_command(app, argv)
    if service.get("Type") in ("simple", "notify"):  # long-running
        assert service["Restart"] == "on-failure" and service["ExecReload"] == "/bin/kill -s HUP $MAINPID"
    if note:
        pytest.skip(note)


def test_the_web_service_writes_uploads_and_keeps_metrics_in_its_runtime_folder():
    service = unit(DEPLOY / "systemd/invest-portal-web.service")["Service"]
    assert "/var/lib/invest-portal/uploads" in service["ReadWritePaths"].split()
    assert service["Environment"] == "PROMETHEUS_MULTIPROC_DIR=/run/invest-portal/metrics"
    assert service["RuntimeDirectory"] == "invest-portal"


def test_the_mail_worker_yields_the_cpu_to_the_web_in_systemd_compose_and_the_benchmark():
    """Mail is not interactive: under a burst the web answers first, the mail catches up after."""
    from benchmarks.inquiries import deployed_nice

    worker = unit(DEPLOY / "systemd/invest-portal-worker.service")["Service"]
    web = unit(DEPLOY / "systemd/invest-portal-web.service")["Service"]
    assert int(worker["Nice"]) > int(web.get("Nice", "0")) and int(worker["CPUWeight"]) < int(web.get("CPUWeight", "100"))
    services = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]
    assert services["worker"]["cpu_shares"] < services["web"].get("cpu_shares", 1024)
    assert deployed_nice() == int(worker["Nice"])  # benchmarks/inquiries.py starts its worker as systemd does


@pytest.mark.parametrize("path", [p for p in UNITS if p.suffix == ".timer"], ids=lambda p: p.name)
def test_each_timer_starts_its_service(path):
    timer = unit(path)["Timer"]
    assert (DEPLOY / "systemd" / timer["Unit"]).is_file() and timer["Unit"] == path.with_suffix(".service").name
    assert "Asia/Ho_Chi_Minh" in timer["OnCalendar"] and timer["Persistent"] == "true"


def test_systemd_accepts_the_units(tmp_path):
    """``systemd-analyze verify`` on copies whose paths point at this checkout and its virtualenv
    (it checks that each program exists)."""
    analyze = subprocess.run(["which", "systemd-analyze"], capture_output=True, text=True).stdout.strip()
    if not analyze:
        pytest.skip("systemd-analyze is not installed: the structural checks above still ran")
    for path in UNITS:
        text = path.read_text().replace("/srv/invest-portal/.venv/bin/", f"{BIN}/").replace("/srv/invest-portal", str(ROOT))
        (tmp_path / path.name).write_text(text)
    result = subprocess.run([analyze, "verify", *sorted(str(p) for p in tmp_path.iterdir())],
                            capture_output=True, text=True)
    complaints = [line for line in (result.stdout + result.stderr).splitlines() if str(tmp_path) in line]
    assert result.returncode == 0 and complaints == [], result.stdout + result.stderr


# --- compose and the Dockerfile -------------------------------------------------------------------

def test_compose_runs_migrations_once_before_web_worker_and_scheduler(app):
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"migrate", "web", "worker", "scheduler", "db", "redis"}
    for name in ("web", "worker", "scheduler"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert services[name]["build"] == "." and "uploads:/data/uploads" in services[name]["volumes"]
    assert services["migrate"]["command"] == ["flask", "--app", "app", "db", "upgrade"]
    assert services["migrate"]["restart"] == "no"
    for name in ("migrate", "worker", "scheduler"):
        check_command(app, services[name]["command"])
    assert "pgdata:/var/lib/postgresql/data" in services["db"]["volumes"]
    assert services["web"]["environment"]["RATELIMIT_STORAGE_URI"].startswith("redis://redis")
    assert set(compose["volumes"]) == {"pgdata", "uploads", "backups"}


@pytest.mark.parametrize("script", ["scheduler.sh", "docker-base.sh", "docker-smoke.sh"])
def test_the_shell_scripts_are_valid_shell(script):
    assert subprocess.run(["sh", "-n", str(DEPLOY / script)]).returncode == 0


def test_the_local_compose_override_only_adapts_the_services_of_compose_yaml():
    """deploy/compose.local.yaml (Docker Hub out of reach, the host's PostgreSQL and Redis) adds no
    service and builds the portal on BASE_IMAGE; docker-smoke.sh runs it for real."""
    services = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]
    local = yaml.safe_load((DEPLOY / "compose.local.yaml").read_text())["services"]
    assert set(local) == set(services)
    for name in ("migrate", "web", "worker", "scheduler"):
        assert local[name]["build"]["args"]["BASE_IMAGE"].startswith("${BASE_IMAGE")
        assert local[name]["network_mode"] == "host" and "DATABASE_URL" in local[name]["environment"]


def test_the_dockerfile_runs_gunicorn_as_a_non_root_user_with_compiled_translations():
    lines = [line.strip() for line in (ROOT / "Dockerfile").read_text().splitlines()
             if line.strip() and not line.lstrip().startswith("#")]
    instructions = [line.split()[0] for line in lines if line.split()[0].isupper()]
    # the Python the suite runs on; where Docker Hub is out of reach, --build-arg BASE_IMAGE=...
    assert lines[:2] == ["ARG BASE_IMAGE=python:3.11-slim-bookworm", "FROM ${BASE_IMAGE}"]
    text = "\n".join(lines)
    # a virtualenv first on PATH: python, pip, gunicorn and flask are the same on either base
    assert "python3 -m venv /opt/venv" in text and "PATH=/opt/venv/bin:" in text
    assert "pip install -r requirements.txt -c constraints.txt" in text
    assert "pybabel compile -d translations" in text
    user = instructions.index("USER")
    assert user > instructions.index("RUN") and "USER portal" in lines
    assert lines[-1] == 'CMD ["gunicorn", "--config", "deploy/gunicorn.conf.py", "app:app"]'
    assert any(line.startswith("HEALTHCHECK") and "deploy/healthcheck.py" in line for line in lines)
    for copied in ("requirements.txt", "constraints.txt", "deploy/gunicorn.conf.py", "deploy/healthcheck.py"):
        assert (ROOT / copied).is_file()
