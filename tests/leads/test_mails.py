"""The e-mails an inquiry causes are rendered by the sender, from what the request saved: the text
is exactly what rendering in the request gave, and a message that cannot be rendered holds up no other."""
import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask import render_template
from flask_babel import force_locale
from sqlalchemy import select

from portal.leads import mails
from portal.leads.models import LeadKind
from portal.leads.operations import Introducer, Submission, receive_submission
from portal.outbox import send_due
from portal.outbox.compose import RENDERED_WHEN_SENT, render_mail
from portal.outbox.models import OutboxMessage, OutboxStatus
from tests import factories
from tests.forms import inquiry, submit


def through_json(saved: dict) -> dict:
    return json.loads(json.dumps(saved))


def submission(session, kind=LeadKind.INQUIRY, **changes) -> Submission:
    semis = factories.sector("semiconductors", en="Semiconductors", ko="반도체")
    park = factories.park("vsip-3", texts={"en": "VSIP III", "ko": "VSIP III 산업단지"})
    project = factories.project("chip-fab", texts={"en": "Chip packaging plant"}, of=semis, in_park=park)
    session.flush()
    values = dict(kind=kind, language="ko", name="Kim Min-jun", company="Hanbit", email="kim@hanbit.example",
                  country="KR", message="15 ha, <b>soon</b> & more", job_title="Director", phone="+82 2 1234",
                  sectors=[semis], projects=[project], parks=[park], estimated_investment_usd=120_000_000,
                  land_need_ha=Decimal("15.5"), timeline="within_1_year", news=True)
    values.update(changes)
    return Submission(**values)


@pytest.mark.parametrize("variant", ["inquiry", "site_visit", "referral", "joined", "referral_link"])
def test_the_intake_mails_rendered_when_sent_are_those_rendered_at_once(app, session, variant):
    changes = {}
    if variant == "site_visit":
        start = date.today() + timedelta(days=20)
        changes = dict(kind=LeadKind.SITE_VISIT, visit_from=start, visit_to=start + timedelta(days=2), visitors=3,
                       guide_language="ja")
    elif variant == "referral":
        changes = dict(kind=LeadKind.REFERRAL, preferred_language="ja", introducer=Introducer(
            name="Park Ji-woo", organisation="Daejeon City", email="park@daejeon.example",
            relationship="sister_city", language="ko"))
    elif variant == "referral_link":
        changes = dict(referrer=factories.referrer())
    sent = submission(session, **changes)
    lead = receive_submission(sent).lead
    joined = variant == "joined"
    context = {"lead": lead, "submission": sent, "joined": joined}

    for kind in mails.INTAKE_KINDS:
        for language in ("vi", "en", "ko", "ja"):
            loaded = mails.load_intake(through_json(mails.save_intake(**context)))
            assert render_mail(kind, language, loaded) == render_mail(kind, language, context), (kind, language)


@pytest.mark.parametrize("by_manager", [True, False])
def test_the_assignment_mail_rendered_when_sent_is_the_one_rendered_at_once(app, session, by_manager):
    officer = factories.user(name="Phạm Thu Hà", language="ja")
    manager = factories.user(role="manager", name="Trần Văn Minh")
    lead = factories.lead("Sakura Precision", country="JP")
    session.flush()
    context = {"lead": lead, "owner": officer, "by": manager if by_manager else None}

    loaded = mails.load_assignment(through_json(mails.save_assignment(**context)))

    for language in ("vi", "en", "ko", "ja"):
        assert render_mail("lead_assigned", language, loaded) == render_mail("lead_assigned", language, context)


def test_an_inquirys_mails_wait_unrendered_and_go_out_complete(app, client, session, catalogue):
    submit(client, "/en/inquire?project=chip-fab", inquiry())
    waiting = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert {message.kind for message in waiting} <= set(RENDERED_WHEN_SENT)
    assert all(message.body == "" and message.context for message in waiting)
    session.commit()

    report = send_due()

    assert report.sent == len(waiting)
    session.expire_all()
    for message in session.scalars(select(OutboxMessage)):
        assert message.status == OutboxStatus.SENT and message.context is None
        assert message.subject and "Chip packaging plant" in message.body
        eml = (app.instance_path + f"/mail/{message.id:06d}.eml")
        assert message.body.splitlines()[0] in open(eml, encoding="utf-8").read()


def test_a_message_that_cannot_be_rendered_holds_up_no_other(app, client, session, catalogue, caplog):
    broken = OutboxMessage(kind="acknowledgement", recipient="x@example.com", subject="", body="", language="en",
                           context={"lead": {}, "submission": {}, "joined": False})
    session.add(broken)
    session.commit()
    broken_id = broken.id
    submit(client, "/en/inquire", inquiry())

    report = send_due()

    assert report.sent == 2  # the acknowledgement and the notice of the inquiry after it
    broken = session.get(OutboxMessage, broken_id)
    assert broken.status == OutboxStatus.PENDING and broken.last_error.startswith("not rendered: KeyError")
    assert broken.context is not None  # kept, to render once the code is mended
    assert "load_catalogue could not read the saved contexts of 3 messages (KeyError" in caplog.text


def test_a_batch_loads_the_catalogue_items_its_mails_name_once(app, client, session, catalogue, count_queries):
    def statements_to_send(inquiries: int) -> tuple[int, int]:
        for number in range(inquiries):
            submit(client, "/en/inquire?project=chip-fab", inquiry(email=f"investor{number}@example.com"))
        session.commit()
        with count_queries() as counter:
            report = send_due()
        return report.sent, counter.count

    few, few_statements = statements_to_send(1)
    many, many_statements = statements_to_send(5)

    # each further message costs only the UPDATE that records it sent, not a look-up of its project
    assert many > few and many_statements - few_statements == many - few


@pytest.mark.parametrize("variant", ["inquiry", "site_visit"])
def test_the_sender_renders_each_language_as_flask_babel_would(app, session, variant):
    """``render_mail`` binds ``_`` and ``ngettext`` to the language's catalogue once per message: the text
    is the one Flask-Babel's own template functions give, plural forms and placeholders included."""
    start = date.today() + timedelta(days=20)
    changes = dict(kind=LeadKind.SITE_VISIT, visit_from=start, visit_to=start + timedelta(days=2), visitors=3,
                   guide_language="ja") if variant == "site_visit" else {}
    sent = submission(session, **changes)
    context = {"lead": receive_submission(sent).lead, "submission": sent, "joined": False}

    for kind in mails.INTAKE_KINDS:
        for language in ("vi", "en", "ko", "ja"):
            with force_locale(language):
                expected = render_template(f"email/{kind}.txt", language=language, **context)
            assert render_mail(kind, language, context)[1] == expected, (kind, language)
