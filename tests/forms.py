"""Filling in the public forms as a browser would: GET the page, keep its hidden fields
(CSRF token, start time), POST what the person typed."""
from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape

HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*>')
NAME = re.compile(r'name="([^"]+)"')
VALUE = re.compile(r'value="([^"]*)"')


def hidden_fields(html: str) -> dict[str, str]:
    fields = {}
    for tag in HIDDEN.findall(html):
        name, value = NAME.search(tag), VALUE.search(tag)
        if name:
            fields[name.group(1)] = unescape(value.group(1)) if value else ""
    return fields


def submit(client, url: str, data: dict, *, follow: bool = False, drop: tuple[str, ...] = ()):
    page = client.get(url)
    assert page.status_code == 200, url
    payload = {**hidden_fields(page.text), **data}
    for name in drop:
        payload.pop(name, None)
    return client.post(url.split("?")[0], data=payload, follow_redirects=follow)


def inquiry(**overrides) -> dict:
    data = {
        "name": "Kim Min-jun", "company": "Hanbit Electronics", "job_title": "Investment Director",
        "country": "KR", "email": "minjun.kim@hanbit.example", "phone": "+82 2 1234 5678",
        "sectors": ["semiconductors"], "estimated_investment": "120", "land_need": "15",
        "timeline": "within_1_year", "message": "We look for 15 ha for a chip packaging plant.", "consent": "y",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def visit(**overrides) -> dict:
    start = date.today() + timedelta(days=30)
    data = {
        "name": "Tanaka Hiroshi", "company": "Sakura Precision", "country": "JP", "email": "tanaka@sakura.example",
        "parks": ["vsip-3"], "visit_from": start.isoformat(), "visit_to": (start + timedelta(days=2)).isoformat(),
        "visitors": "3", "guide_language": "ja", "message": "We would like to see plots of 5 ha.", "consent": "y",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def referral(**overrides) -> dict:
    data = {
        "introducer_name": "Park Ji-woo", "introducer_organisation": "Daejeon Metropolitan City",
        "introducer_email": "jiwoo.park@daejeon.example", "introducer_relationship": "sister_city",
        "prospect_name": "Lee Seo-yeon", "prospect_company": "Daejeon Battery Materials",
        "prospect_country": "KR", "prospect_email": "seoyeon.lee@dbm.example", "prospect_language": "ko",
        "prospect_sectors": ["batteries"], "message": "They plan a cathode materials plant in Vietnam.",
        "prospect_agreed": "y", "consent": "y",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
