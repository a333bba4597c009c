"""/metrics for Prometheus: requests by endpoint and status, the outbox backlog and the leads past
their first-response deadline; only for the addresses or the token the operator allows."""
from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families

from portal import clock
from portal.outbox.models import OutboxStatus
from tests import factories
from tests.test_health import queued


def samples(response) -> dict:
    """(name, labels as a sorted tuple) -> value, from the exposition text."""
    assert response.status_code == 200, response.status_code
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(response.text) for sample in family.samples}


def requests_counted(values, endpoint, status, method="GET") -> float:
    key = ("portal_http_requests_total", (("endpoint", endpoint), ("method", method), ("status", status)))
    return values.get(key, 0.0)


def test_requests_are_counted_by_endpoint_and_status(client):
    before = samples(client.get("/metrics"))
    client.get("/healthz")
    client.get("/en/projects/no-such-project")
    client.get("/no/such/page/at/all")
    after = samples(client.get("/metrics"))
    assert requests_counted(after, "health.healthz", "200") == requests_counted(before, "health.healthz", "200") + 1
    assert requests_counted(after, "none", "404") == requests_counted(before, "none", "404") + 1
    assert not any("no/such/page" in str(labels) for _name, labels in after)
    latency = ("portal_http_request_duration_seconds_count", (("endpoint", "health.healthz"), ("method", "GET")))
    assert after[latency] >= 1
    assert response_is_private(client.get("/metrics"))


def test_answers_from_the_page_cache_are_counted_apart(client):
    def cached(values, status):
        return values.get(("portal_page_cache_answers_total", (("status", status),)), 0.0)

    client.get("/en/privacy")  # rendered: a request like any other
    before = samples(client.get("/metrics"))
    kept = client.get("/en/privacy")
    client.get("/en/privacy", headers={"If-None-Match": kept.headers["ETag"]})
    after = samples(client.get("/metrics"))
    assert cached(after, "200") == cached(before, "200") + 1 and cached(after, "304") == cached(before, "304") + 1
    assert requests_counted(after, "public.privacy", "200") == requests_counted(before, "public.privacy", "200")


def response_is_private(response) -> bool:
    return response.headers["Cache-Control"] == "no-store" and response.headers.getlist("Set-Cookie") == []


def test_backlog_gauges_count_due_and_failed_mail_and_overdue_leads(client, session):
    empty = samples(client.get("/metrics"))
    assert empty[("portal_outbox_due_messages", ())] == 0
    assert empty[("portal_outbox_failed_messages", ())] == 0
    assert empty[("portal_leads_overdue_first_response", ())] == 0
    queued(session, due_minutes_ago=5)
    queued(session, due_minutes_ago=1)
    queued(session, due_minutes_ago=-30)  # a retry later: not due yet
    queued(session, due_minutes_ago=90, status=OutboxStatus.FAILED)
    queued(session, due_minutes_ago=90, status=OutboxStatus.SENT)
    factories.lead(received=clock.now() - timedelta(days=10))  # unanswered well past its deadline
    factories.lead(received=clock.now() - timedelta(days=10), first_responded_at=clock.now() - timedelta(days=9))
    factories.lead()  # just arrived
    session.commit()
    values = samples(client.get("/metrics"))
    assert values[("portal_outbox_due_messages", ())] == 2
    assert values[("portal_outbox_failed_messages", ())] == 1
    assert 5 * 60 <= values[("portal_outbox_oldest_due_age_seconds", ())] < 7 * 60
    assert values[("portal_leads_overdue_first_response", ())] == 1


def test_the_backlog_is_read_in_a_bounded_number_of_queries(client, session, count_queries):
    for _ in range(5):
        queued(session, due_minutes_ago=5)
        factories.lead(received=clock.now() - timedelta(days=10))
    session.commit()
    with count_queries() as counter:
        client.get("/metrics")
    assert counter.count <= 2


def test_refused_from_another_address_unless_the_token_is_given(app, client):
    stranger = {"REMOTE_ADDR": "203.0.113.9"}
    assert client.get("/metrics", environ_base=stranger).status_code == 404
    app.config["METRICS_TOKEN"] = "s3cret-scraper-token"
    try:
        assert client.get("/metrics", environ_base=stranger,
                          headers={"Authorization": "Bearer wrong"}).status_code == 404
        answer = client.get("/metrics", environ_base=stranger,
                            headers={"Authorization": "Bearer s3cret-scraper-token"})
        assert answer.status_code == 200 and "portal_outbox_due_messages" in answer.text
    finally:
        app.config["METRICS_TOKEN"] = ""


@pytest.mark.parametrize("allowed", [["10.0.0.0/8"], ["203.0.113.9"]])
def test_allowed_addresses_and_networks(app, client, allowed):
    original = app.config["METRICS_ALLOWED_IPS"]
    app.config["METRICS_ALLOWED_IPS"] = allowed
    try:
        inside = "10.20.30.40" if allowed == ["10.0.0.0/8"] else "203.0.113.9"
        assert client.get("/metrics", environ_base={"REMOTE_ADDR": inside}).status_code == 200
        assert client.get("/metrics").status_code == 404  # loopback is no longer on the list
    finally:
        app.config["METRICS_ALLOWED_IPS"] = original
