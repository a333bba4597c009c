"""Which requests Flask-Limiter looks at: whatever is sent, and reading the API. Reading any other page
is limited nowhere, so it skips the look (``extensions.reads_outside_the_limits``); the limits
themselves are tested where they apply (forms, sign-in, the private link, the API), and here that no
limit on reading sits where the filter would skip it."""
from __future__ import annotations

import pytest
from flask_limiter.util import get_qualified_name

from portal.extensions import READ_LIMITED_BLUEPRINTS, limiter, reads_outside_the_limits


@pytest.mark.parametrize("method, path, skipped", [
    ("GET", "/en/inquire", True),
    ("HEAD", "/ko/", True),
    ("GET", "/staff/leads", True),
    ("GET", "/healthz", True),
    ("POST", "/en/inquire", False),
    ("POST", "/ja/my-inquiry", False),
    ("GET", "/api/v1/sectors", False),
    ("HEAD", "/api/v1/projects", False),
])
def test_only_reading_a_page_outside_the_api_skips_the_limiter(app, method, path, skipped):
    with app.test_request_context(path, method=method):
        assert reads_outside_the_limits() is skipped


def test_no_page_outside_those_blueprints_has_a_limit_on_reading(app):
    """The filter's set kept honest: a limit put on reading a page of another blueprint (a route's,
    its blueprint's, or a default) would otherwise be skipped without a word."""
    manager = limiter.limit_manager
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            blueprint = rule.endpoint.rpartition(".")[0]
            if not {"GET", "HEAD"} & rule.methods or blueprint in READ_LIMITED_BLUEPRINTS:
                continue
            limits = [*manager.decorated_limits(get_qualified_name(app.view_functions[rule.endpoint])),
                      *manager.blueprint_limits(app, blueprint), *manager.default_limits,
                      *manager.application_limits]
            reading = [limit for limit in limits if not limit.methods or {"get", "head"} & set(limit.methods)]
            assert not reading, f"{rule.rule} ({rule.endpoint}) is limited when read: {reading}"
