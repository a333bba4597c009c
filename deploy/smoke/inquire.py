"""The smoke test's investor: opens /<lang>/inquire on the running portal as a browser behind the
HTTPS proxy would (the public Host, X-Forwarded-Proto, cookies kept by hand because production
cookies are Secure), fills the form in like a person (after FORM_MIN_FILL_SECONDS) and sends it.
Prints the page it lands on. Usage: inquire.py BASE_URL HOST LANG EMAIL"""
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser

base, host, lang, address = sys.argv[1:5]
cookies: dict[str, str] = {}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def call(path: str, form: list[tuple[str, str]] | None = None):
    headers = {"Host": host, "X-Forwarded-Proto": "https", "Accept-Language": lang,
               "Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items())}
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    request = urllib.request.Request(base + path, data=data, headers=headers)
    try:
        response = urllib.request.build_opener(NoRedirect).open(request, timeout=30)
    except urllib.error.HTTPError as error:
        response = error
    for header in response.headers.get_all("Set-Cookie") or []:
        name, value = header.split(";", 1)[0].split("=", 1)
        cookies[name] = value
    return response.status, response.headers, response.read().decode()


class Inputs(HTMLParser):
    """The hidden fields of the inquiry form (CSRF token, start time, form key, ...)."""

    def __init__(self):
        super().__init__()
        self.in_form, self.hidden = False, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "/inquire" in (attrs.get("action") or f"/{lang}/inquire"):
            self.in_form = (attrs.get("method") or "").lower() == "post"
        elif tag == "input" and self.in_form and attrs.get("type") == "hidden" and attrs.get("name"):
            self.hidden.append((attrs["name"], attrs.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False


status, _headers, page = call(f"/{lang}/inquire")
assert status == 200, (status, page[:500])
inputs = Inputs()
inputs.feed(page)
assert any(name == "csrf_token" for name, _value in inputs.hidden), "no CSRF token in the form"
time.sleep(float(sys.argv[5]) if len(sys.argv) > 5 else 3.5)
form = [pair for pair in inputs.hidden if pair[0] != "website"] + [
    ("name", "Kim Min-jun"), ("company", "Hanbit Smoke Test Co."), ("country", "KR"), ("email", address),
    ("phone", "+82 2 1234 5678"), ("message", "Container smoke test: 5 ha for an electronics plant."),
    ("consent", "y"), ("website", "")]
status, headers, page = call(f"/{lang}/inquire", form)
assert status == 302, (status, page[:2000])
location = urllib.parse.urlsplit(headers["Location"]).path
status, _headers, page = call(location)
assert status == 200, (status, page[:500])
print(location)
print(page)
