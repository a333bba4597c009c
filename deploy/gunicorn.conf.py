"""gunicorn settings for the portal: ``gunicorn --config deploy/gunicorn.conf.py app:app``.

Read from the environment (the systemd unit's EnvironmentFile, the container's environment):
GUNICORN_BIND (127.0.0.1:8000), GUNICORN_WORKERS or WEB_CONCURRENCY (2 x cores + 1, at most 8),
GUNICORN_THREADS (4), GUNICORN_TIMEOUT (60), FORWARDED_ALLOW_IPS (TRUSTED_PROXIES), LOG_FORMAT
(json in production, else text) for the access log, PROMETHEUS_MULTIPROC_DIR (a fresh temporary
folder when unset).

This file must not import the portal: the master would then hold the old code, and a reload
(SIGHUP) would start new workers on it. The application is loaded in each worker (preload off),
so SIGHUP starts workers on the code now on disk while the old ones finish their requests.
"""
import json
import multiprocessing
import os
import tempfile
import time
from pathlib import Path

from gunicorn import glogging


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
workers = _int("GUNICORN_WORKERS", _int("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8)))
threads = _int("GUNICORN_THREADS", 4)
worker_class = "gthread"  # threads let a slow upload or export not hold a whole worker
timeout = _int("GUNICORN_TIMEOUT", 60)  # a worker silent this long is killed and replaced
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)  # on SIGTERM/SIGHUP, time to finish requests
keepalive = 5
# Replace each worker after about this many requests (jitter: not all at once), so a slow leak
# never grows into an outage.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)
preload_app = False
# Only the reverse proxies may say the request came over HTTPS (X-Forwarded-Proto); the portal's
# own TRUSTED_PROXIES list, unless told otherwise.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", os.environ.get("TRUSTED_PROXIES", "127.0.0.1,::1"))
# The workers' heartbeat files in memory, not on a disk that may stall (containers' /tmp is overlay).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
accesslog = "-"  # stdout
errorlog = "-"  # stderr
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json" if os.environ.get("PORTAL_ENV") == "production" else "text")
# Apache's combined format, plus the time taken and the request id the portal gives each answer.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms %({x-request-id}o)s'

# Every worker writes its request counts to files here; /metrics adds them up (prometheus_client's
# multiprocess mode). It must be set before a worker imports prometheus_client, hence here.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="invest-portal-metrics-")


def on_starting(server):
    """A fresh start counts from zero: files of a previous run would be added in."""
    folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink()


def child_exit(server, worker):
    """A worker that is gone takes its live gauges with it; its counts stay in the totals."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


class _JsonLines:
    """gunicorn's own messages as JSON lines, like the portal's."""

    def format(self, record):
        return json.dumps({"time": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(record.created)),
                           "level": record.levelname, "logger": record.name, "message": record.getMessage()})


class JsonLogger(glogging.Logger):
    """The access log as one JSON object a line, carrying the request id the answer carries."""

    def setup(self, cfg):
        super().setup(cfg)
        for handler in self.error_log.handlers:
            handler.setFormatter(_JsonLines())

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        atoms = self.atoms(resp, req, environ, request_time)
        line = {"time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "logger": "gunicorn.access",
                "request_id": atoms.get("{x-request-id}o"), "remote_addr": atoms["h"], "method": atoms["m"],
                "path": atoms["U"], "query": atoms["q"], "status": int(atoms["s"]),
                "bytes": atoms["B"], "duration_ms": atoms["M"], "referer": atoms["f"],
                "user_agent": atoms["a"]}
        self.access_log.info(json.dumps(line, ensure_ascii=False))


if LOG_FORMAT == "json":
    logger_class = JsonLogger
