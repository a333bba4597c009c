"""How fast the public pages are under gunicorn, against a hello-world app served the same way.

    .venv/bin/python benchmarks/public_pages.py                      # SQLite, a fresh file in a temporary folder
    .venv/bin/python benchmarks/public_pages.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
    .venv/bin/python benchmarks/public_pages.py --redis redis://127.0.0.1:6379/15   # pages kept in Redis
    .venv/bin/python benchmarks/public_pages.py --no-cache             # every request rendered (the old way)

Builds a fresh database with the demo catalogue (``benchmarks/serve.py``), serves
``benchmarks/hello_app.py`` and then the portal with gunicorn (2 sync workers, the same settings),
and loads each with ``wrk`` (Debian's package; installed if missing) from 32 connections, as a
browser asks (``Accept-Encoding: br, gzip``). Prints requests/s per page and its ratio to
hello-world. A benchmark, not a test: it prints numbers; it exits 1 if a page answered an error.
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.serve import fresh_database, prepare, serve  # noqa: E402

PAGES = [
    ("home", "/en/"),
    ("catalogue", "/ko/projects/"),
    ("catalogue, filtered", "/ja/projects/?sort=investment"),
    ("parks", "/vi/parks/"),
    ("project", None),  # the first project the catalogue lists
    ("park", None),
    ("compare", None),
    ("sitemap", "/sitemap.xml"),
    ("API, projects", "/api/v1/projects?lang=ko"),
]


def wrk(url: str, seconds: int, connections: int) -> tuple[float, int]:
    """Requests per second, and how many answers were errors."""
    output = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-H", "Accept-Encoding: br, gzip",
                             url], check=True, capture_output=True, text=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return rate, int(errors.group(1)) if errors else 0


def find_paths(base_url: str) -> dict[str, str]:
    """A real project, park and comparison of the demo catalogue."""
    def first(listing: str, count: int) -> list[str]:
        with urllib.request.urlopen(f"{base_url}/api/v1/{listing}?per_page={count}") as answer:
            return [item["slug"] for item in json.load(answer)["items"]]

    project, park_slugs = first("projects", 1)[0], first("parks", 2)
    return {"project": f"/en/projects/{project}", "park": f"/ko/parks/{park_slugs[0]}",
            "compare": f"/ja/parks/compare?park={park_slugs[0]}&park={park_slugs[1]}"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a PostgreSQL server URL (a database of our own is made on it)")
    parser.add_argument("--redis", help="keep pages in this Redis (PAGE_CACHE_REDIS_URL)")
    parser.add_argument("--no-cache", action="store_true", help="render every request (PAGE_CACHE=0)")
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, stdout=subprocess.DEVNULL)

    with serve("benchmarks.hello_app:app", ready_path="/") as base_url:
        hello, _ = wrk(base_url + "/", args.seconds, args.connections)
    print(f"hello-world: {hello:,.0f} req/s (gunicorn, 2 sync workers)")

    with tempfile.TemporaryDirectory() as folder, fresh_database(args.database_url, folder) as database:
        env = {"DATABASE_URL": database, "PORTAL_INSTANCE_PATH": folder, "PAGE_CACHE": "0" if args.no_cache else "1",
               "PAGE_CACHE_REDIS_URL": args.redis or "", "PAGE_CACHE_PREFIX": f"bench-{uuid.uuid4().hex[:8]}:",
               "API_RATE_LIMIT": "1000000 per minute", "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/14"}
        prepare(env)
        with serve("app:app", env) as base_url:
            paths = find_paths(base_url)
            cache = "off" if args.no_cache else ("Redis" if args.redis else "in each worker")
            print(f"portal on {'PostgreSQL' if args.database_url else 'SQLite'}, page cache {cache}:")
            print(f"  {'page':<22}{'req/s':>10}{'of hello':>10}")
            failed = False
            for name, path in PAGES:
                path = path or paths[name]
                wrk(base_url + path, 1, 4)  # each worker renders and keeps the page first
                rate, errors = wrk(base_url + path, args.seconds, args.connections)
                failed |= errors > 0
                note = f"  {errors} errors" if errors else ""
                print(f"  {name:<22}{rate:>10,.0f}{rate / hello:>10.0%}{note}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
