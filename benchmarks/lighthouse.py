"""Lighthouse's mobile audit of each public page type, served as production serves it.

    .venv/bin/python benchmarks/lighthouse.py                 # every page type, SQLite demo catalogue
    .venv/bin/python benchmarks/lighthouse.py --keep reports/ # also keep each page's JSON report

Builds a fresh database with the demo catalogue (``benchmarks/serve.py``), serves the portal with
gunicorn, and runs Lighthouse (npm's ``lighthouse``, installed into ``benchmarks/.lighthouse`` on
first use) against Debian's ``/usr/bin/chromium`` with its default mobile settings (simulated slow
4G and a mid-range phone's CPU). Prints the four category scores and the bytes each page transfers,
and the audits that cost a point. A benchmark, not a test: it exits 1 when a score is under 100.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.public_pages import find_paths  # noqa: E402
from benchmarks.serve import fresh_database, prepare, serve  # noqa: E402

TOOLS = ROOT / "benchmarks" / ".lighthouse"
VERSION = "12.8.2"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGES = [
    ("home", "/vi/"),
    ("catalogue", "/ko/projects/"),
    ("project", None),
    ("parks", "/ja/parks/"),
    ("park", None),
    ("compare", None),
    ("site finder", "/en/find-a-site"),
    ("inquiry", "/ko/inquire"),
]


def lighthouse() -> Path:
    """The Lighthouse command, installed from the npm registry on first use."""
    command = TOOLS / "node_modules" / ".bin" / "lighthouse"
    if not command.exists():
        TOOLS.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--prefix", str(TOOLS), "--no-audit", "--no-fund", "--silent",
                        f"lighthouse@{VERSION}"], check=True)
    return command


def audit(command: Path, url: str, keep: Path | None, name: str) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        subprocess.run([str(command), url, "--quiet", "--output=json", f"--output-path={report}",
                        f"--only-categories={','.join(CATEGORIES)}",
                        "--chrome-flags=--headless=new --no-sandbox --disable-gpu"],
                       check=True, env={**os.environ, "CHROME_PATH": shutil.which("chromium") or "/usr/bin/chromium"})
        if keep:
            keep.mkdir(parents=True, exist_ok=True)
            shutil.copy(report, keep / f"{name.replace(' ', '-')}.json")
        return json.loads(report.read_text())


def lost_points(result: dict) -> list[str]:
    """The audits that scored under 1 in a category that counts them."""
    weighted = {ref["id"] for category in result["categories"].values() for ref in category["auditRefs"]
                if ref.get("weight")}
    return sorted(f"{key} ({audit['score']:.2f})" for key, audit in result["audits"].items()
                  if key in weighted and audit.get("score") is not None and audit["score"] < 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="a folder to keep each page's JSON report in")
    args = parser.parse_args()
    command = lighthouse()
    failed = False
    with tempfile.TemporaryDirectory() as folder, fresh_database(None, folder) as database:
        env = {"DATABASE_URL": database, "PORTAL_INSTANCE_PATH": folder, "PAGE_CACHE": "1"}
        prepare(env)
        with serve("app:app", env) as base_url:
            paths = find_paths(base_url)
            print(f"{'page':<14}" + "".join(f"{name[:14]:>16}" for name in CATEGORIES) + f"{'KB sent':>10}")
            for name, path in PAGES:
                result = audit(command, base_url + (path or paths[name]), args.keep, name)
                scores = [round(result["categories"][category]["score"] * 100) for category in CATEGORIES]
                sent = result["audits"]["total-byte-weight"]["numericValue"] / 1024
                failed |= min(scores) < 100
                print(f"{name:<14}" + "".join(f"{score:>16}" for score in scores) + f"{sent:>10.0f}")
                for lost in lost_points(result):
                    print(f"{'':<14}  lost: {lost}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
