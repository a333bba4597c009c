"""Where an inquiry's time goes, in one process: the CPU time of showing the form, of sending it and
of sending the e-mails it queued (the outbox, as ``flask outbox work`` sends it, to .eml files), and
the SQL statements each runs, then cProfile's busiest functions for one of them.

    .venv/bin/python benchmarks/inquiry_profile.py                  # SQLite, 200 of each
    .venv/bin/python benchmarks/inquiry_profile.py --profile get    # cProfile of showing the form
    .venv/bin/python benchmarks/inquiry_profile.py --profile post --sort tottime --top 40
    .venv/bin/python benchmarks/inquiry_profile.py --profile mail --show-sql   # the sender, and each statement
    .venv/bin/python benchmarks/inquiry_profile.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
    .venv/bin/python benchmarks/inquiry_profile.py --leads 100000   # with a pipeline of 100,000 leads already there

Runs the portal through Flask's test client (no server, no network) on a fresh database with the
demo data, mail left in the outbox (``--leads``: and that many leads before, from
``benchmarks/staff_pages.py``'s generator, to see whether a submission's cost grows with the pipeline).
CPU time, so other programs on the machine disturb it less (on PostgreSQL the server's share is not in
it: the elapsed time is printed too); compare two versions of the code with the same command. Asserts
nothing.
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import secrets
import sys
import tempfile
import time
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


def cpu_ms(action, repeat: int) -> tuple[float, float]:
    """CPU and elapsed milliseconds per call."""
    started, began = time.process_time(), time.perf_counter()
    for _ in range(repeat):
        action()
    return (time.process_time() - started) / repeat * 1000, (time.perf_counter() - began) / repeat * 1000


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


def sent_mail(app, statements: list[str]) -> tuple[float, float, int]:
    """CPU ms and SQL statements per message for sending all that the POSTs queued."""
    statements.clear()
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
    args = parser.parse_args()

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

        pending = iter(forms)

        def send() -> None:
            client, data = next(pending)
            client.post(FORM, data=data)

        get_ms = cpu_ms(lambda: reader.get(FORM), args.repeat)
        post_ms = cpu_ms(send, args.repeat)
        print(f"show the form: {get_ms[0]:.1f} ms CPU ({get_ms[1]:.1f} elapsed), {shown} SQL statements")
        print(f"send it:       {post_ms[0]:.1f} ms CPU ({post_ms[1]:.1f} elapsed), {sent} SQL statements")
        if args.show_sql:
            print("\n".join(post_sql))

        mail_ms, per_message, messages = sent_mail(app, statements)
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
