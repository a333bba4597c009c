"""Prometheus metrics at ``/metrics``: requests by endpoint and status, their latency, and what
staff or an operator must act on: mail waiting to go out or given up, and leads past their
first-response deadline.

Under gunicorn each worker counts on its own; with ``PROMETHEUS_MULTIPROC_DIR`` set (the gunicorn
config sets it) they write to shared files and a scrape of any worker adds them all up. The backlog
figures are read from the database at scrape time, three counts in two queries, whatever its size.
``/metrics`` is not public: only from ``METRICS_ALLOWED_IPS`` or with ``METRICS_TOKEN``.
"""
from __future__ import annotations

import hmac
import os
import time
from ipaddress import ip_address, ip_network

from flask import Blueprint, Flask, Response, abort, current_app, request
from prometheus_client import (CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram,
                               generate_latest, multiprocess)
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

from portal import clock
from portal.extensions import db, limiter

REQUESTS = Counter("portal_http_requests_total", "HTTP requests answered, by endpoint (not path) and status.",
                   ["endpoint", "method", "status"])
LATENCY = Histogram("portal_http_request_duration_seconds", "Time to answer a request, by endpoint.",
                    ["endpoint", "method"],
                    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0))
CACHED_ANSWERS = Counter("portal_page_cache_answers_total",
                         "Public pages answered from the page cache before Flask ran (not in the request counts).",
                         ["status"])
#: Requests that matched no route share one label, so scanners cannot grow the label set.
UNMATCHED = "none"
_STARTED = "portal.metrics_started"
#: Any other method a client invents is counted as "other", for the same reason.
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

bp = Blueprint("metrics", __name__)
limiter.exempt(bp)


class BacklogCollector:
    """What waits, counted when Prometheus asks (never stale, nothing to keep in step)."""

    def collect(self):
        from portal.leads.models import Lead
        from portal.leads.queries import overdue_condition
        from portal.outbox.models import OutboxMessage, OutboxStatus

        now = clock.now()
        waiting = OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING])
        due_row = db.session.execute(select(
            func.count().filter(waiting, OutboxMessage.next_attempt_at <= now),
            func.min(OutboxMessage.next_attempt_at).filter(waiting, OutboxMessage.next_attempt_at <= now),
            func.count().filter(OutboxMessage.status == OutboxStatus.FAILED),
        )).one()
        overdue = db.session.scalar(select(func.count(Lead.id)).where(overdue_condition(now)))
        due, oldest, failed = due_row
        age = (now - clock.as_utc(oldest)).total_seconds() if oldest is not None else 0.0
        yield GaugeMetricFamily("portal_outbox_due_messages", "E-mails whose sending time has come, not yet sent.",
                                value=due)
        yield GaugeMetricFamily("portal_outbox_oldest_due_age_seconds",
                                "How long the oldest due e-mail has waited past its sending time.", value=age)
        yield GaugeMetricFamily("portal_outbox_failed_messages", "E-mails given up after the last retry.",
                                value=failed)
        yield GaugeMetricFamily("portal_leads_overdue_first_response",
                                "Open leads still unanswered past their first-response deadline.", value=overdue)


def _registries() -> list:
    """The request metrics (summed over the workers' files in multiprocess mode) and the backlog."""
    backlog = CollectorRegistry()  # not described up front: collected once, at the scrape
    backlog.register(BacklogCollector())
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        shared = CollectorRegistry()
        multiprocess.MultiProcessCollector(shared)
        return [shared, backlog]
    return [REGISTRY, backlog]


def allowed() -> bool:
    """From an allowed address (after the trusted proxies' ``X-Forwarded-For``), or the token."""
    token = current_app.config["METRICS_TOKEN"]
    given = request.headers.get("Authorization", "")
    if token and given.startswith("Bearer ") and hmac.compare_digest(given[7:].encode(), token.encode()):
        return True
    try:
        address = ip_address(request.remote_addr or "")
    except ValueError:
        return False
    return any(address in ip_network(entry, strict=False) for entry in current_app.config["METRICS_ALLOWED_IPS"])


@bp.get("/metrics")
def metrics():
    if not allowed():
        abort(404)  # nothing to see here for anyone else, not even that it exists
    body = b"".join(generate_latest(registry) for registry in _registries())
    return Response(body, content_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})


def count_cached_answer(status: str) -> None:
    """The page cache's hook: an answer it gave without Flask (``200 OK`` or ``304 Not Modified``)."""
    CACHED_ANSWERS.labels(status.split(" ", 1)[0]).inc()


def init_app(app: Flask) -> None:
    """Time and count every request; ``/metrics`` itself too (a scrape is a request)."""
    app.register_blueprint(bp)

    @app.before_request
    def start_clock():
        request.environ[_STARTED] = time.perf_counter()

    @app.after_request
    def count(response):
        started = request.environ.get(_STARTED)
        endpoint = request.url_rule.endpoint if request.url_rule is not None else UNMATCHED
        method = request.method if request.method in METHODS else "other"
        REQUESTS.labels(endpoint, method, str(response.status_code)).inc()
        if started is not None:
            LATENCY.labels(endpoint, method).observe(time.perf_counter() - started)
        return response
