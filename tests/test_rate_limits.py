"""Which requests Flask-Limiter looks at: whatever is sent, and reading the API. Reading any other page
is limited nowhere, so it skips the look (``extensions.reads_outside_the_limits``); the limits
themselves are tested where they apply (forms, sign-in, the private link, the API)."""
from __future__ import annotations

import pytest

from portal.extensions import reads_outside_the_limits


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
