"""How fast the public pages are under gunicorn, against a hello-world app served the same way.

    .venv/bin/python benchmarks/public_pages.py                      # SQLite, a fresh file in a temporary folder
    .venv/bin/python benchmarks/public_pages.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
    .venv/bin/python benchmarks/public_pages.py --redis redis://127.0.0.1:6379/15   # pages kept in Redis
    .venv/bin/python benchmarks/public_pages.py --no-cache             # every request rendered (the old way)
    .venv/bin/python benchmarks/public_pages.py --paired               # hello-world again before each page

Builds a fresh database with the demo catalogue (``benchmarks/serve.py``), serves
``benchmarks/hello_app.py`` and then the portal with gunicorn (2 sync workers, the same settings),
and loads each with ``wrk`` (Debian's package; installed if missing) from 32 connections, as a
browser asks (``Accept-Encoding: br, gzip``). Prints requests/s per page and its ratio to
hello-world, and the server's CPU time per request (its gunicorn processes' ``/proc`` counters)
with hello-world's over the page's: the share of hello-world's rate the page would reach if the
server had the cores to itself (Redis's own work and waits not counted). On a machine others use
too, ``--paired`` keeps both servers up and measures hello-world again just before each page, each
page's ratios to its own hello-world run: a load that comes and goes then weighs on both sides of a
ratio. A benchmark, not a test: it prints numbers; it exits 1 if a page answered an error.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
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
    rate, errors, _ = wrk_run(url, seconds, connections)
    return rate, errors


def wrk_run(url: str, seconds: int, connections: int) -> tuple[float, int, float]:
    """Requests per second, how many answers were errors, and the server's CPU time per request (µs)."""
    port = urllib.parse.urlsplit(url).port
    cpu_before = server_cpu_seconds(port)
    output = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-H", "Accept-Encoding: br, gzip",
                             url], check=True, capture_output=True, text=True).stdout
    cpu = server_cpu_seconds(port) - cpu_before
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return rate, int(errors.group(1)) if errors else 0, cpu / max(requests, 1) * 1e6


def server_cpu_seconds(port: int) -> float:
    """CPU time the gunicorn processes serving ``port`` have used so far (``/proc/<pid>/stat``): what a
    request costs the server, which others' load on a shared machine changes far less than req/s."""
    total = 0
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and f"127.0.0.1:{port}".encode() in (entry / "cmdline").read_bytes():
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # utime, stime
        except OSError:  # gone meanwhile
            continue
    return total / os.sysconf("SC_CLK_TCK")


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
    parser.add_argument("--paired", action="store_true", help="measure hello-world again before each page")
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, stdout=subprocess.DEVNULL)

    with serve("benchmarks.hello_app:app", ready_path="/") as hello_url:
        hello, _, hello_cpu = wrk_run(hello_url + "/", args.seconds, args.connections)
        print(f"hello-world: {hello:,.0f} req/s, {hello_cpu:,.0f} µs of server CPU a request "
              f"(gunicorn, 2 sync workers)")
        if not args.paired:
            hello_url = None
        failed = measure_portal(args, (hello, hello_cpu), hello_url)
    return 1 if failed else 0


def measure_portal(args, hello: tuple[float, float], hello_url: str | None) -> bool:
    """Each page's rate and its ratio to hello-world (measured again just before it with ``hello_url``),
    and the same for the server CPU time a request costs."""
    with tempfile.TemporaryDirectory() as folder, fresh_database(args.database_url, folder) as database:
        env = {"DATABASE_URL": database, "PORTAL_INSTANCE_PATH": folder, "PAGE_CACHE": "0" if args.no_cache else "1",
               "PAGE_CACHE_REDIS_URL": args.redis or "", "PAGE_CACHE_PREFIX": f"bench-{uuid.uuid4().hex[:8]}:",
               "API_RATE_LIMIT": "1000000 per minute", "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/14"}
        prepare(env)
        with serve("app:app", env) as base_url:
            paths = find_paths(base_url)
            cache = "off" if args.no_cache else ("Redis" if args.redis else "in each worker")
            print(f"portal on {'PostgreSQL' if args.database_url else 'SQLite'}, page cache {cache}:")
            print(f"  {'page':<22}{'req/s':>10}{'hello' if hello_url else '':>10}{'of hello':>10}"
                  f"{'CPU µs':>10}{'hello µs' if hello_url else '':>10}{'of hello':>10}")
            failed = False
            for name, path in PAGES:
                path = path or paths[name]
                wrk(base_url + path, 1, 4)  # each worker renders and keeps the page first
                if hello_url:
                    hello = wrk_run(hello_url + "/", args.seconds, args.connections)[::2]
                rate, errors, cpu = wrk_run(base_url + path, args.seconds, args.connections)
                failed |= errors > 0
                note = f"  {errors} errors" if errors else ""
                paired = (f"{hello[0]:>10,.0f}", f"{hello[1]:>10,.0f}") if hello_url else ("", "")
                print(f"  {name:<22}{rate:>10,.0f}{paired[0]}{rate / hello[0]:>10.0%}"
                      f"{cpu:>10,.0f}{paired[1]}{hello[1] / cpu:>10.0%}{note}")
    return failed


if __name__ == "__main__":
    sys.exit(main())
