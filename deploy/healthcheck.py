"""The container's health check: GET /healthz on this container's gunicorn, naming the portal's
public host (in production any other Host is refused with 400). Exit 0 when it answers 200."""
import os
import sys
import urllib.request
from urllib.parse import urlsplit

port = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000").split(",")[0].rsplit(":", 1)[-1]
host = urlsplit(os.environ.get("PORTAL_BASE_URL", "")).netloc or "localhost"
request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz", headers={"Host": host})
try:
    with urllib.request.urlopen(request, timeout=3) as response:
        sys.exit(0 if response.status == 200 else 1)
except OSError:
    sys.exit(1)
