"""Where an inquiry's time goes, in one process: the CPU time of showing the form, of sending it and
of sending the e-mails it queued (the outbox, as ``flask outbox work`` sends it, to .eml files), and
the SQL statements each runs, then cProfile's busiest functions for one of them.

    .venv/bin/python benchmarks/inquiry_profile.py                  # SQLite, 200 of each
    .venv/bin/python benchmarks/inquiry_profile.py --profile get    # cProfile of showing the form
    .venv/bin/python benchmarks/inquiry_profile.py --profile post --sort tottime --top 40
    .venv/bin/python benchmarks/inquiry_profile.py --profile mail --show-sql   # the sender, and each statement
    .venv/bin/python benchmarks/inquiry_profile.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
    .venv/bin/python benchmarks/inquiry_profile.py --leads 100000   # with a pipeline of 100,000 leads already there
    .venv/bin/python benchmarks/inquiry_profile.py --instructions --repeat 50   # instructions, not time

Runs the portal through Flask's test client (no server, no network) on a fresh database with the
demo data, mail left in the outbox (``--leads``: and that many leads before, from
``benchmarks/staff_pages.py``'s generator, to see whether a submission's cost grows with the pipeline).
CPU time, so other programs on the machine disturb it less (on PostgreSQL the server's share is not in
it: the elapsed time is printed too); compare two versions of the code with the same command. Asserts
nothing.

``--instructions`` counts the instructions each one runs instead (valgrind's callgrind, which runs
this script again under it, counting only those parts; Debian's ``valgrind`` package): the same code
gives the same count to a fraction of a percent whatever else the machine does, where its CPU time
can move by a third between runs, so a change of a few percent shows at once. The database server's
share is not in it, nor gunicorn's (measure those with ``inquiries.py``).
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from sqlalchemy import event  # noqa: E402

from benchmarks.inquiries import FORM, fresh_database  # noqa: E402
from tests.forms import hidden_fields, inquiry  # noqa: E402


def build_app(url: str, folder: str, leads: int = 0):
    """The portal on a migrated database with the demo data, after ``leads`` generated ones (the
    generator numbers its leads from 1)."""
    os.environ["PORTAL_INSTANCE_PATH"] = f"{folder}/instance"
    from flask_migrate import upgrade

    from portal import create_app
    from portal.demo import load_demo_catalogue, load_demo_pipeline, load_demo_staff
    from portal.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "FORM_MIN_FILL_SECONDS": 0, "RATELIMIT_ENABLED": False,
                      "PORTAL_LEADS_EMAIL": "leads@centre.example", "MAIL_SEND_AFTER_COMMIT": False})
    with app.app_context():
        upgrade()
        if leads:
            from staff_pages import generate

            generate(leads)
        load_demo_catalogue()
        load_demo_pipeline(load_demo_staff())
        db.session.commit()
    return app


def opened_form(app):
    client = app.test_client()
    page = client.get(FORM)
    return client, {**hidden_fields(page.text), **inquiry(email=f"profile-{secrets.token_hex(6)}@example.com")}


#: Set in the copy of this script that callgrind runs.
COUNTING = "INQUIRY_PROFILE_COUNTS"


def _callgrind(*args: str) -> None:
    subprocess.run(["callgrind_control", *args, str(os.getpid())], check=True, capture_output=True)


@contextmanager
def counted(phase: str, units: int):
    """Under ``--instructions``: callgrind counts what runs in the block alone, and writes it down as
    ``phase`` done ``units`` times."""
    if not phase or not os.environ.get(COUNTING):
        yield
        return
    _callgrind("--zero")
    _callgrind("--instr=on")
    try:
        yield
    finally:
        _callgrind(f"--dump={phase}/{units}")
        _callgrind("--instr=off")


def count_instructions(arguments: list[str]) -> None:
    """Run this script under callgrind (counting nothing but ``counted`` blocks), then print each
    phase's instructions per unit."""
    if not shutil.which("valgrind") or not shutil.which("callgrind_control"):
        sys.exit("--instructions needs valgrind (Debian: apt-get install valgrind)")
    with tempfile.TemporaryDirectory() as folder:
        run = subprocess.run(["valgrind", "--tool=callgrind", "--instr-atstart=no",
                              f"--callgrind-out-file={folder}/counts.%p", sys.executable, __file__, *arguments],
                             env={**os.environ, COUNTING: folder}, capture_output=True, text=True)
        if run.returncode:
            sys.exit(f"the run under callgrind failed:\n{run.stderr[-4000:]}")
        counts = {}
        for path in Path(folder).glob("counts.*"):
            text = path.read_text(errors="replace")
            phase = re.search(r"^desc: Trigger: dump (\w+)/(\d+)$", text, re.MULTILINE)
            if phase:
                total = int(re.search(r"^totals: (\d+)", text, re.MULTILINE).group(1))
                counts[phase.group(1)] = (total / int(phase.group(2)), int(phase.group(2)))
    for phase, label, unit in (("get", "show the form", "each"), ("post", "send it", "each"),
                               ("mail", "mail it", "per message")):
        if phase in counts:
            per_unit, units = counts[phase]
            print(f"{label + ':':<14} {per_unit / 1e6:.2f} million instructions {unit} ({units} counted)")


def cpu_ms(action, repeat: int, phase: str = "") -> tuple[float, float]:
    """CPU and elapsed milliseconds per call."""
    with counted(phase, repeat):
        started, began = time.process_time(), time.perf_counter()
        for _ in range(repeat):
            action()
        took, elapsed = time.process_time() - started, time.perf_counter() - began
    return took / repeat * 1000, elapsed / repeat * 1000


def _send_all(app) -> int:
    """Send every message due, as the worker does (``flask outbox work``), to .eml files."""
    from portal.outbox.worker import _send_what_is_due, StopRequest
    from portal.extensions import db
    from portal.outbox.models import OutboxMessage, OutboxStatus
    from sqlalchemy import func, select

    with app.app_context():
        _send_what_is_due(StopRequest())
        db.session.remove()
        with db.engine.connect() as connection:
            return connection.scalar(select(func.count()).where(OutboxMessage.status == OutboxStatus.SENT))


def _queued(app) -> int:
    from portal.extensions import db
    from portal.outbox.models import OutboxMessage, OutboxStatus
    from sqlalchemy import func, select

    with app.app_context(), db.engine.connect() as connection:
        return connection.scalar(select(func.count()).where(OutboxMessage.status == OutboxStatus.PENDING))


def sent_mail(app, statements: list[str], queued: int) -> tuple[float, float, int]:
    """CPU ms and SQL statements per message for sending all that the POSTs queued (``queued``)."""
    statements.clear()
    with counted("mail", queued):
        started = time.process_time()
        messages = _send_all(app)
        took = time.process_time() - started
    return took / messages * 1000, (len(statements) - 1) / messages, messages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a PostgreSQL server to create a database on (default: SQLite)")
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--leads", type=int, default=0, help="leads already in the pipeline (default: only the demo's)")
    parser.add_argument("--profile", choices=["get", "post", "mail"])
    parser.add_argument("--show-sql", action="store_true", help="print the statements of one POST and one message")
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--top", type=int, default=50)
    parser.add_argument("--instructions", action="store_true",
                        help="count instructions (callgrind) instead of CPU time: repeatable on a busy machine")
    args = parser.parse_args()
    if args.instructions and args.profile:
        parser.error("--instructions and --profile: one at a time")
    if args.instructions and not os.environ.get(COUNTING):
        count_instructions(sys.argv[1:])
        return

    with tempfile.TemporaryDirectory() as folder, fresh_database(args.database_url, folder) as url:
        app = build_app(url, folder, args.leads)
        from portal.extensions import db

        with app.app_context():
            engine = db.engine
        statements: list[str] = []
        event.listen(engine, "before_cursor_execute", lambda *call: statements.append(call[2]))
        reader = app.test_client()
        reader.get(FORM)
        forms = [opened_form(app) for _ in range(args.repeat + 1)]
        client, data = forms.pop()
        statements.clear()
        reader.get(FORM)
        shown = len(statements)
        statements.clear()
        assert client.post(FORM, data=data).status_code == 302
        sent, post_sql = len(statements), list(statements)
        _send_all(app)  # its e-mails: the sender's first batch compiles the templates

        pending = iter(forms)

        def send() -> None:
            client, data = next(pending)
            client.post(FORM, data=data)

        get_ms = cpu_ms(lambda: reader.get(FORM), args.repeat, "get")
        post_ms = cpu_ms(send, args.repeat, "post")
        print(f"show the form: {get_ms[0]:.1f} ms CPU ({get_ms[1]:.1f} elapsed), {shown} SQL statements")
        print(f"send it:       {post_ms[0]:.1f} ms CPU ({post_ms[1]:.1f} elapsed), {sent} SQL statements")
        if args.show_sql:
            print("\n".join(post_sql))

        mail_ms, per_message, messages = sent_mail(app, statements, _queued(app))
        print(f"mail it:       {mail_ms:.1f} ms CPU per message ({messages} messages), "
              f"{per_message:.1f} SQL statements per message")

        if args.profile:
            profiler = cProfile.Profile()
            more = [opened_form(app) for _ in range(args.repeat)] if args.profile == "post" else []
            if args.profile == "mail":  # the POSTs queue the mail unprofiled; only the sending is profiled
                for _ in range(args.repeat):
                    client, data = opened_form(app)
                    client.post(FORM, data=data)
                profiler.enable()
                _send_all(app)
            else:
                profiler.enable()
            for number in range(args.repeat if args.profile != "mail" else 0):
                if args.profile == "get":
                    reader.get(FORM)
                else:
                    client, data = more[number]
                    client.post(FORM, data=data)
            profiler.disable()
            pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)
        engine.dispose()


if __name__ == "__main__":
    main()
