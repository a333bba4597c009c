"""Every change to a lead, in one place. Each operation changes the session, records the audit
and queues the e-mails it causes, then flushes: the request (or command) that called it commits
once, and the outbox sends the queued mail after that commit."""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache

from flask import current_app
from flask_babel import force_locale, gettext as _
from sqlalchemy import (JSON, Select, Table, Text, bindparam, cast, func, insert, inspect, literal_column, select,
                        true, update)
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from portal import audit, clock
from portal.audit import AuditEntry
from portal.auth import security_log
from portal.auth.models import User
from portal.clock import VIETNAM, as_utc, start_of_day
from portal.extensions import db
from portal.leads import queries
from portal.leads.default_pipeline import NEW
from portal.leads.follow.operations import issue_link, new_link
from portal.leads.models import (
    ANSWER_KINDS,
    CONTACT_KINDS,
    Activity,
    ActivityKind,
    Consent,
    ConsentPurpose,
    ConsentSubject,
    Event,
    FormSubmission,
    InquiryLink,
    InvestorDocument,
    Lead,
    LeadKind,
    LeadSource,
    LeadStatus,
    Referrer,
    SavedFilter,
    ScheduledMessage,
    SiteNeeds,
    Stage,
    StageChange,
    Tag,
    Task,
)
from portal.leads.models.lead import SECTOR_COPIES, lead_parks, lead_projects, lead_sectors
from portal.leads.models import report_version
from portal.leads.models.pipeline import LEAD_COPIES
from portal.leads.models.report_facts import born_facts
from portal.leads.queries import working_hours_after
from portal.leads.reports.sql import month_of
from portal.leads.rules.assignment import pick_officer
from portal.leads.rules.deadlines import add_working_hours
from portal.leads.rules.priority import priority_score
from portal.leads.rules.stage_facts import MissingFacts, StageFacts, missing_facts
from portal.leads.rules.tags import tag_key
from portal.money import usd_from_millions
from portal.outbox import queue_mail
from portal.outbox.compose import compose_mail, composed_rows, queue_composed, wake_the_sender, written_by_the_caller
from portal.outbox.models import OutboxMessage
from portal.privacy import NOTICE_VERSION
from portal.projects.models import IndustrialPark, InvestmentProject, Sector
from portal.projects.site_finder.fit import Requirements

_REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


@dataclass
class Introducer:
    """Who introduced the prospect through the referral form."""

    name: str
    organisation: str
    email: str
    relationship: str
    language: str


@dataclass
class Submission:
    """Who an investor is and what they want, already validated: from a public form, or a row of
    an imported list of the people met at an event."""

    kind: LeadKind
    language: str
    name: str
    company: str
    email: str
    country: str
    message: str
    job_title: str = ""
    phone: str = ""
    preferred_language: str = ""
    sectors: list[Sector] = field(default_factory=list)
    projects: list[InvestmentProject] = field(default_factory=list)
    parks: list[IndustrialPark] = field(default_factory=list)
    estimated_investment_usd: int | None = None
    land_need_ha: Decimal | None = None
    timeline: str | None = None
    visit_from: date | None = None
    visit_to: date | None = None
    visitors: int | None = None
    guide_language: str | None = None
    introducer: Introducer | None = None
    news: bool = False
    ip_address: str = ""
    referrer: Referrer | None = None
    event: Event | None = None
    landing_page: str = ""
    #: The key the public form carried (``FormSubmission``): the same key again is the same submission.
    form_key: str | None = None
    #: What the site must offer, when the investor wrote from the site finder.
    site_needs: Requirements | None = None


@dataclass
class Receipt:
    lead: Lead
    #: True when the submission joined the investor's open lead instead of starting one.
    joined_existing: bool


def drawn_reference(prefix: str = "IP") -> str:
    """A reference an investor can read out on the phone (no 0/O, 1/I/L), ``IP-26-7K3QXM`` for a lead,
    not looked up: one of 887 million a year, so taken about once in 9,000 new leads at 100,000 a year;
    the unique index refuses it then, and the caller draws again (``capture.views._receive_once``)."""
    code = "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(6))
    return f"{prefix}-{clock.now():%y}-{code}"


def new_reference(prefix: str = "IP", column=Lead.reference) -> str:
    """``drawn_reference``, unused in ``column`` (``IS`` and ``Issue.reference`` for an investor's issue)."""
    while True:
        reference = drawn_reference(prefix)
        if db.session.scalar(select(column).where(column == reference)) is None:
            return reference


def _source(submission: Submission) -> LeadSource:
    if submission.kind == LeadKind.EVENT:
        return LeadSource.EVENT
    if submission.kind == LeadKind.REFERRAL:
        return LeadSource.REFERRAL_FORM
    return LeadSource.REFERRAL_LINK if submission.referrer else LeadSource.WEBSITE


def create_lead(submission: Submission, user: User | None = None) -> Lead:
    """The one way a lead is born, whether an investor wrote or staff imported them: a reference,
    the first stage, a first-response deadline, the interests, the priority, and an officer
    chosen automatically. ``user`` is who entered it, or ``None`` for the investor themselves.
    (``receive_submission`` writes a new inquiry's rows itself: ``_write_new_inquiry``.)"""
    known = queries.intake(submission.email, NEW, clock.now())
    lead, change, officer = _born_lead(submission, user, known, new_reference())
    db.session.add(lead)
    db.session.add(change)
    if officer is not None:
        officer.last_assigned_at = lead.created_at  # their turn taken
        assign(lead, officer, None)  # flushes
    else:
        db.session.flush()
    return lead


def _born_lead(submission: Submission, user: User | None, known: queries.Intake,
               reference: str) -> tuple[Lead, StageChange, User | None]:
    """A new lead, its first stage change and the officer chosen for it (their turn not yet taken:
    ``officer.last_assigned_at``), none of them yet in the session; its first stage, the holidays and
    the officers from ``known`` (``queries.intake``)."""
    received_at = clock.now()
    stage = known.first_stage
    first_response_due = add_working_hours(received_at, current_app.config["FIRST_RESPONSE_HOURS"], known.holidays)
    lead = Lead(
        reference=reference,
        kind=submission.kind,
        status=LeadStatus.OPEN,
        created_at=received_at,
        stage=stage,
        probability=stage.probability,
        first_response_due=first_response_due,
        source=_source(submission),
        referrer=submission.referrer,
        event=submission.event,
        landing_page=submission.landing_page[:500],
        email_normalized=queries.normalize_email(submission.email),
        last_message_at=received_at,
        # Known empty: adding the first consent or activity then needs no query to load them
        consents=[],
        activities=[],
    )
    for name in ("name", "company", "job_title", "country", "email", "phone", "message", "estimated_investment_usd",
                 "land_need_ha", "timeline", "visit_from", "visit_to", "visitors", "guide_language"):
        setattr(lead, name, getattr(submission, name))
    lead.preferred_language = submission.preferred_language or submission.language
    # asked before the lead joins the session: its INSERT then names the owner
    officer = _officer_for(lead, known.candidates)
    change = StageChange(lead=lead, from_stage_id=None, to_stage_id=stage.id, changed_at=received_at,
                         user_id=user.id if user else None)
    _add_interests(lead, submission)
    lead.priority_score = priority_score(lead)
    return lead, change, officer


def add_message(lead: Lead, submission: Submission, user: User | None = None) -> None:
    """A later message from the same investor: on the timeline, interests added, nothing overwritten."""
    now = clock.now()
    lead.activities.append(Activity(kind=ActivityKind.MESSAGE, submission_kind=submission.kind,
                                    body=submission.message, created_at=now, user_id=user.id if user else None))
    if submission.kind == LeadKind.SITE_VISIT:
        lead.visit_from, lead.visit_to = submission.visit_from, submission.visit_to
        lead.visitors, lead.guide_language = submission.visitors, submission.guide_language
    if lead.referrer is None and submission.referrer is not None:
        lead.referrer = submission.referrer
    if lead.event is None and submission.event is not None:
        lead.event = submission.event
    lead.last_message_at = now
    _add_interests(lead, submission)
    lead.priority_score = priority_score(lead)


def _add_interests(lead: Lead, submission: Submission) -> None:
    for current, new in ((lead.sectors, submission.sectors), (lead.projects, submission.projects),
                         (lead.parks, submission.parks)):
        current.extend(item for item in new if item not in current)
    if submission.site_needs is not None:
        _keep_site_needs(lead, submission.site_needs)


def _keep_site_needs(lead: Lead, needs: Requirements) -> None:
    """The needs stated in the site finder, as the lead keeps them: a later inquiry's needs replace
    the earlier ones (the investor's latest word), in the same row."""
    sector = None
    if needs.sector:
        with db.session.no_autoflush:  # the new lead is inserted once, with its owner (``create_lead``)
            sector = db.session.scalar(select(Sector).where(Sector.code == needs.sector))
    kept = lead.site_needs or SiteNeeds()
    kept.sector, kept.land_ha, kept.floor_m2 = sector, needs.land_ha, needs.floor_m2
    kept.power_mva, kept.water_m3_day = needs.power_mva, needs.water_m3_day
    kept.max_seaport_km, kept.max_airport_km, kept.max_centre_km = (needs.max_seaport_km, needs.max_airport_km,
                                                                    needs.max_centre_km)
    kept.budget_usd, kept.start, kept.stated_at = usd_from_millions(needs.budget_musd), needs.start, clock.now()
    lead.site_needs = kept


def _record_consent(lead: Lead, submission: Submission) -> None:
    given_at = clock.now()
    extra = [ConsentPurpose.NEWS] if submission.news else []
    if submission.introducer:
        _set_introducer(lead, submission.introducer)
        purposes = [ConsentPurpose.ANSWER_REQUEST, ConsentPurpose.PROSPECT_AGREED, *extra]
        subject, email, language = ConsentSubject.INTRODUCER, submission.introducer.email, submission.introducer.language
    else:
        purposes = [ConsentPurpose.ANSWER_REQUEST, *extra]
        subject, email, language = ConsentSubject.LEAD, submission.email, submission.language
    lead.consents.append(Consent(subject=subject, email=email, given_at=given_at, purposes=",".join(purposes),
                                 notice_version=NOTICE_VERSION, language=language,
                                 ip_address=submission.ip_address[:45]))


def _set_introducer(lead: Lead, introducer: Introducer) -> None:
    if not lead.introducer_email:
        lead.introducer_name, lead.introducer_organisation = introducer.name, introducer.organisation
        lead.introducer_email, lead.introducer_relationship = introducer.email, introducer.relationship
        lead.introducer_language = introducer.language


def _intake_mails(lead: Lead, submission: Submission, joined: bool,
                  follow_token: str | None = None) -> list[OutboxMessage]:
    """The e-mails that answer a submission, composed (``queue_composed`` writes them once the lead
    has its id); the acknowledgement carries ``follow_token``, else a new link's (``issue_link``)."""
    context = {"lead": lead, "submission": submission, "joined": joined}
    if submission.introducer:
        mails = [compose_mail("referral_thanks", submission.introducer.email, submission.introducer.language,
                              **context)]
    else:
        mails = [compose_mail("acknowledgement", submission.email, lead.preferred_language, **context,
                              follow_token=follow_token or issue_link(lead))]
    centre = current_app.config["PORTAL_LEADS_EMAIL"]
    if centre:
        mails.append(compose_mail("new_lead", centre, current_app.config["PORTAL_LEADS_LANGUAGE"], **context))
    return mails


def _assign_new(lead: Lead, officer: User) -> OutboxMessage:
    """``assign(lead, officer, None)`` for a new inquiry's lead not yet flushed: the owner and the
    timeline entry go in with the lead (its audit entry once it has an id); returns the officer's
    e-mail, composed."""
    lead.owner = officer
    lead.activities.append(Activity(kind=ActivityKind.ASSIGNMENT, user_id=None, created_at=clock.now(),
                                    details={"owner": officer.id}))
    return compose_mail("lead_assigned", officer.email, officer.language, lead=lead, owner=officer, by=None)


def _officer_for(lead: Lead, candidates: list[tuple[User, int]]) -> User | None:
    """Who gets a new lead automatically, by their languages, countries and open leads, among
    ``queries.Intake.candidates``."""
    return pick_officer([officer for officer, _ in candidates],
                        {officer.id: open_leads for officer, open_leads in candidates},
                        lead.preferred_language, lead.country)


def receive_submission(submission: Submission) -> Receipt:
    """What an investor or introducer sent through a public form: a new lead, or a message on their
    open one, with the consent given and the e-mails that answer it. The form's key is stored with
    it: when the same form was stored meanwhile, the flush (or the commit) raises ``IntegrityError``,
    as when the new lead's reference was taken (``drawn_reference``)."""
    known = queries.intake(submission.email, NEW, clock.now())
    lead = None
    if known.open_lead_id is not None:
        lead = queries.open_leads_for_emails([submission.email]).get(queries.normalize_email(submission.email))
    joined = lead is not None
    mails = []
    if joined:
        add_message(lead, submission)
    else:
        lead, change, officer = _born_lead(submission, None, known, drawn_reference())
        if submission.site_needs is None:
            lead = _write_new_inquiry(lead, change, officer, submission)
            _log_received(lead, submission, joined)
            return Receipt(lead, joined)
        db.session.add(lead)
        db.session.add(change)
        if officer is not None:
            officer.last_assigned_at = lead.created_at
            mails.append(_assign_new(lead, officer))
    _record_consent(lead, submission)
    lead.priority_score = priority_score(lead)
    if submission.form_key:
        db.session.add(FormSubmission(key=submission.form_key, lead=lead, received_at=clock.now()))
    mails += _intake_mails(lead, submission, joined)
    db.session.flush()  # one flush: the lead and every row of it
    if not joined and lead.owner is not None:
        db.session.execute(insert(AuditEntry.__table__).values(
            audit.entry_values("lead", lead.id, "assign", {"owner": (None, lead.owner.email)})))
    for message in mails:
        message.lead_id = lead.id
    queue_composed(mails)  # the e-mails in one INSERT
    _log_received(lead, submission, joined)
    return Receipt(lead, joined)


def _log_received(lead: Lead, submission: Submission, joined: bool) -> None:
    current_app.logger.info("lead %s: %s received (%s)", lead.reference, submission.kind,
                            "joined" if joined else "new")


def _columns(item) -> dict:
    """The column values set on an object not in the session, by column name, as its INSERT would
    write them (the other columns take their defaults, as in a flush)."""
    values = item.__dict__
    return {prop.columns[0].key: values[prop.key] for prop in inspect(item).mapper.column_attrs if prop.key in values}


def _write_new_inquiry(lead: Lead, change: StageChange, officer: User | None, submission: Submission) -> Lead:
    """``receive_submission`` for a new lead: every row it writes (the lead, its interests, its first
    stage change, the assignment on its timeline, the consent, the private link, the form's key, the
    audit entry, the e-mails), one INSERT per table through the session (on PostgreSQL, those of the
    lead and its rows in one statement: ``_insert_in_one_statement``), no flush. The values the
    session's hooks would compute are computed here, once: the search texts, the report facts and
    their copies on the stage change and the sectors (``report_facts.born_facts``); the rows are those
    of the ordinary path (tests/leads/capture/test_one_flush.py). Returns the lead, in the session."""
    mails = [_assign_new(lead, officer)] if officer is not None else []
    _record_consent(lead, submission)
    lead.priority_score = priority_score(lead)
    token, link = new_link(lead) if not submission.introducer else (None, None)
    mails += _intake_mails(lead, submission, False, follow_token=token)
    lead.refresh_search_texts()
    for name, value in born_facts(lead, [change]).items():  # a new inquiry's: never None
        setattr(lead, name, value)
    row = (_columns(lead)
           | {"stage_id": lead.stage.id, "owner_id": officer.id if officer is not None else None,
              "referrer_id": lead.referrer.id if lead.referrer is not None else None,
              "event_id": lead.event.id if lead.event is not None else None})
    sector_copies = {copy: row.get(column) for copy, column in SECTOR_COPIES.items()}
    # Each table's rows, and the column that takes the new lead's id
    written = [(lead_sectors, "lead_id", [{"sector_id": sector.id, **sector_copies} for sector in lead.sectors]),
               (lead_projects, "lead_id", [{"project_id": project.id} for project in lead.projects]),
               (lead_parks, "lead_id", [{"park_id": park.id} for park in lead.parks]),
               (StageChange.__table__, "lead_id", [_columns(change) | {
                   copy: row.get(column) for copy, column in LEAD_COPIES.items()}]),
               (Activity.__table__, "lead_id", [_columns(activity) for activity in lead.activities]),
               (Consent.__table__, "lead_id", [_columns(consent) for consent in lead.consents]),
               (InquiryLink.__table__, "lead_id", [_columns(link)] if link is not None else []),
               (FormSubmission.__table__, "lead_id", [{"key": submission.form_key, "received_at": clock.now()}]
                if submission.form_key else []),
               (AuditEntry.__table__, "entity_id",
                [audit.entry_values("lead", 0, "assign", {"owner": (None, officer.email)})]
                if officer is not None else [])]
    # On the session's connection: the session has nothing to do for these statements but tell the
    # reports (``report_version``), which is done here
    if db.engine.dialect.name == "postgresql":
        written.append((OutboxMessage.__table__, "lead_id", composed_rows(mails)))
        lead_id = _insert_in_one_statement(row, [item for item in written if item[2]], officer)
        written_by_the_caller()
    else:
        report_version.note_change(db.session, months=[month_of(lead.created_at)])
        if officer is not None:
            officer.last_assigned_at = lead.created_at  # written by the session's flush
        connection, leads = db.session.connection(), Lead.__table__
        lead_id = connection.execute(insert(leads).returning(leads.c.id), row).scalar_one()
        for table, lead_column, rows in written:
            if rows:
                connection.execute(insert(table), [item | {lead_column: lead_id} for item in rows])
        for message in mails:
            message.lead_id = lead_id
        queue_composed(mails)
    # The lead joins the session as if loaded; its collections, and the columns the database gave,
    # are read from the database if asked for.
    for relationship in inspect(lead).mapper.relationships:
        if relationship.uselist:
            lead.__dict__.pop(relationship.key, None)
    lead.id = lead_id
    make_transient_to_detached(lead)
    db.session.add(lead)
    return lead


def _insert_in_one_statement(row: dict, written: list[tuple[Table, str, list[dict]]], officer: User | None) -> int:
    """On PostgreSQL, the lead's INSERT, its rows' (its e-mails among them), the officer's turn, the
    reports' new token and the sender's wake-up in one statement (each statement is a round trip to
    the server, on the same cores): ``WITH new_lead AS (INSERT INTO leads ... SELECT ... FROM
    json_populate_recordset(NULL::leads, <the lead as JSON>) RETURNING id), ... (INSERT INTO <table>
    SELECT new_lead.id, ... FROM new_lead, json_populate_recordset(NULL::<table>, <its rows as JSON>))
    ... SELECT id, pg_notify(...) FROM new_lead``. Each table's rows are one parameter: the driver
    prepares a statement of a few parameters at a fraction of the cost of one with a parameter per
    value (about 125), and the statement is the same whatever the number of rows. A unique key taken
    (the form's, sent twice at once) fails the whole statement."""
    leads = Lead.__table__
    tables = [(table, lead_column, [_with_defaults(table, item) for item in rows])
              for table, lead_column, rows in [(leads, None, [row]), *written]]
    statement = _one_statement(tuple((table, lead_column, tuple(rows[0])) for table, lead_column, rows in tables),
                               officer is not None)
    parameters = {f"rows_{number}": _as_json(rows) for number, (_, _, rows) in enumerate(tables)}
    if officer is not None:  # their turn taken here, as if the session had read it
        parameters |= {"officer_id": officer.id, "officer_assigned_at": row["created_at"]}
        set_committed_value(officer, "last_assigned_at", row["created_at"])
    parameters |= {"report_token": report_version.new_token(),
                   **report_version.month_parameters([month_of(row["created_at"])])}
    return db.session.connection().execute(statement, parameters).one()[0]


def _json_value(value):
    """What ``json`` cannot write itself, as PostgreSQL reads it back into the column's type."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not a column value")


_as_json = json.JSONEncoder(default=_json_value, ensure_ascii=False, separators=(",", ":")).encode


@lru_cache(maxsize=64)
def _one_statement(tables: tuple[tuple[Table, str | None, tuple[str, ...]], ...], assigned: bool) -> Select:
    """``_insert_in_one_statement``'s statement for the shape of a new inquiry: each table, the
    column that takes the lead's id (None: the lead's own table) and the columns given (every row of a
    table gives the same: a column missing from a row would be written NULL); each table's rows are the
    parameter ``rows_<table>``, JSON. Built once per process and shape (the usual ones are
    a few), as building it cost more than running it."""
    def given(number: int, table: Table, names: list[str]):
        rows = func.json_populate_recordset(literal_column(f"NULL::{table.name}"),
                                            cast(bindparam(f"rows_{number}", type_=Text()), JSON))
        return rows.table_valued(*names).alias(f"r{number}")

    (leads, _, row), *children = tables
    lead_row = given(0, leads, row)
    new_lead = (insert(leads).from_select(row, select(*lead_row.c), include_defaults=False)
                .returning(leads.c.id).cte("new_lead"))
    parts = []
    for number, (table, lead_column, columns) in enumerate(children, start=1):
        names = [column for column in columns if column != lead_column]
        rows = given(number, table, names)
        parts.append(insert(table).from_select([lead_column, *names], select(new_lead.c.id, *rows.c)
                                               .select_from(new_lead).join(rows, true()),
                                               include_defaults=False).cte(f"written_{number}"))
    if assigned:
        users = User.__table__
        parts.append(update(users).where(users.c.id == bindparam("officer_id"))
                     .values(last_assigned_at=bindparam("officer_assigned_at", type_=users.c.last_assigned_at.type))
                     .cte("officer_turn"))
    # A new lead moves every family's figures of the month it was received in (``report_version``)
    parts.append(report_version.month_token_upsert(report_version.EVERY_FAMILY, 1, "postgresql").cte("report_token"))
    return select(new_lead.c.id, wake_the_sender()).add_cte(*parts)


def _with_defaults(table: Table, row: dict) -> dict:
    """``row`` with the Python-side defaults of the columns it lacks, as an INSERT of its own fills
    them in (an INSERT inside a WITH does not; the server's defaults need nothing)."""
    missing = {column.key: column.default for column in table.c
               if column.key not in row and column.default is not None}
    return row | {key: default.arg if default.is_scalar else default.arg(None)
                  for key, default in missing.items()}


def import_people(people: list[tuple[Submission, Lead | None]], event: Event | None, user: User) -> tuple[int, int]:
    """The people met at an event, from a checked list: each a new lead, or a message on the open
    lead they already have. Returns how many were created and joined."""
    created = joined = 0
    for submission, existing in people:
        if existing is not None:
            add_message(existing, submission, user)
            joined += 1
        else:
            create_lead(submission, user)
            created += 1
    db.session.flush()
    audit.record("lead", 0, "import", {"created": (None, created), "joined": (None, joined),
                                       "event": (None, event.name if event else None)}, user_id=user.id)
    return created, joined


# --- the pipeline: what staff do with a lead ------------------------------------------------


def move_to_stage(lead: Lead, stage: Stage, user: User, facts: StageFacts | None = None) -> None:
    """Move a lead with the facts given; raises ``MissingFacts``, leaving the lead untouched,
    when the stage requires a fact neither the lead nor ``facts`` supply."""
    if stage.id == lead.stage_id:
        return
    missing = missing_facts(lead, stage, facts)
    if missing:
        raise MissingFacts(stage, missing)
    given = facts.given() if facts else {}
    changes = {}
    for name, value in given.items():
        if name == "sectors":
            lead.sectors.extend(sector for sector in value if sector not in lead.sectors)
        elif getattr(lead, name) != value:
            if name != "lost_reason":
                changes[name] = (getattr(lead, name), value)
            setattr(lead, name, value)
    previous = lead.stage
    now = clock.now()
    if previous.is_open and not stage.is_open:
        lead.last_open_stage = previous
    lead.status = LeadStatus.WON if stage.is_won else LeadStatus.LOST if stage.is_lost else LeadStatus.OPEN
    if stage.is_open:
        if lead.lost_comment:
            changes["lost_comment"] = (lead.lost_comment, "")
        lead.lost_reason, lead.lost_comment = None, ""
    lead.stage, lead.probability = stage, stage.probability
    lead.priority_score = priority_score(lead)
    db.session.add(StageChange(lead=lead, from_stage_id=previous.id, to_stage_id=stage.id, changed_at=now,
                               user_id=user.id))
    lead.activities.append(Activity(kind=ActivityKind.STAGE_CHANGE, user_id=user.id, created_at=now,
                                    details={"from": previous.id, "to": stage.id}, body=lead.lost_comment or ""))
    audit.record("lead", lead.id, "move_to_stage", {"stage": (previous.code, stage.code), **changes},
                 user_id=user.id)
    if stage.is_won and not previous.is_won:
        _thank_referrers(lead)
    if previous.is_open and not stage.is_open:
        from portal.leads.correspondence.operations import call_off_when_closed  # it builds on this module

        call_off_when_closed(lead, user)
    db.session.flush()


def assign(lead: Lead, owner: User | None, user: User | None) -> None:
    """Give the lead to an officer (or to nobody); the new owner is told by e-mail. ``user``
    is who decided, or ``None`` for the automatic assignment of a new lead."""
    if (owner.id if owner else None) == lead.owner_id:
        return
    user_id = user.id if user else None
    previous = lead.owner
    lead.owner = owner
    lead.activities.append(Activity(kind=ActivityKind.ASSIGNMENT, user_id=user_id, created_at=clock.now(),
                                    details={"owner": owner.id if owner else None}))
    db.session.flush()
    audit.record("lead", lead.id, "assign", {"owner": (previous.email if previous else None,
                                                       owner.email if owner else None)}, user_id=user_id)
    if owner is not None and owner.id != user_id:
        queue_mail("lead_assigned", owner.email, owner.language, lead.id, lead=lead, owner=owner, by=user)


def log_activity(lead: Lead, kind: ActivityKind, body: str, user: User) -> Activity:
    """A note or a contact; the first contact stops the first-response clock."""
    now = clock.now()
    activity = Activity(kind=kind, body=body, user_id=user.id, created_at=now)
    lead.activities.append(activity)
    if kind in CONTACT_KINDS and lead.first_responded_at is None:
        lead.first_responded_at = now
        audit.record("lead", lead.id, "first_response", {"first_responded_at": (None, now)}, user_id=user.id)
        _plan_follow_up(lead, user, now)
    if kind in ANSWER_KINDS:
        lead.investor_replied_at = None  # the investor's reply is answered: no longer "waiting for us"
    db.session.flush()
    return activity


def _plan_follow_up(lead: Lead, user: User, answered_at) -> None:
    """After the first answer, the owner (else whoever answered) gets a task to follow up
    ``FOLLOW_UP_WORKING_DAYS`` working days later, titled in their language; the investor's reply
    removes it while it is open (``correspondence.operations.call_off_follow_ups``)."""
    days = current_app.config["FOLLOW_UP_WORKING_DAYS"]
    if days <= 0 or lead.status != LeadStatus.OPEN or any(task.follow_up for task in lead.tasks):
        return
    assignee = lead.owner or user
    with force_locale(assignee.language):
        title = _("Follow up: the investor has not replied to our answer")
    due = queries.working_days_after(answered_at.astimezone(VIETNAM).date(), days)
    task = Task(title=title, due_date=due, assignee=assignee, follow_up=True)
    lead.tasks.append(task)
    db.session.flush()
    audit.record("task", task.id, "create", {"title": (None, title), "due_date": (None, due),
                                             "assignee": (None, assignee.email), "follow_up": (None, True)},
                 user_id=user.id)


def add_task(lead: Lead, title: str, due: date, assignee: User, user: User) -> Task:
    task = Task(title=title, due_date=due, assignee=assignee, created_by_id=user.id)
    lead.tasks.append(task)
    db.session.flush()
    audit.record("task", task.id, "create", {"title": (None, title), "due_date": (None, due),
                                             "assignee": (None, assignee.email)}, user_id=user.id)
    db.session.flush()
    return task


def complete_task(task: Task, user: User) -> None:
    if task.done_at is not None:
        return
    task.done_at = clock.now()
    audit.record("task", task.id, "complete", {"done_at": (None, task.done_at)}, user_id=user.id)
    db.session.flush()


def record_export(count: int, query: str, user: User) -> None:
    """Exports carry personal data out of the portal: each one is in the audit trail and the security log."""
    audit.record("lead", 0, "export", {"count": (None, count), "query": (None, query[:500])}, user_id=user.id)
    security_log.record("export", user, what="leads", count=count)
    db.session.flush()


def save_filter(user: User, name: str, query: str) -> SavedFilter:
    saved = SavedFilter(user_id=user.id, name=name, query=query.lstrip("?")[:1000])
    db.session.add(saved)
    db.session.flush()
    return saved


def delete_filter(saved: SavedFilter) -> None:
    db.session.delete(saved)
    db.session.flush()


# --- referrers and events ------------------------------------------------------------------------


def save_referrer(referrer: Referrer | None, values: dict, user: User) -> Referrer:
    return audit.save_with_audit(Referrer, referrer, values, "referrer", user.id)


def save_event(event: Event | None, values: dict, user: User) -> Event:
    return audit.save_with_audit(Event, event, values, "event", user.id)


def link_event(lead: Lead, event: Event | None, user: User) -> None:
    event_id = event.id if event else None
    if lead.event_id != event_id:
        audit.record("lead", lead.id, "link_event", {"event_id": (lead.event_id, event_id)}, user_id=user.id)
        lead.event_id = event_id
    db.session.flush()


def _thank_referrers(lead: Lead) -> None:
    """When a referred lead registers: the referrer (if they asked to hear) and the introducer."""
    context = {"lead": lead}
    if lead.referrer and lead.referrer.wants_updates and lead.referrer.email:
        queue_mail("referral_success", lead.referrer.email, lead.referrer.preferred_language, lead.id,
                   recipient_name=lead.referrer.name, **context)
    if lead.introducer_email:
        queue_mail("referral_success", lead.introducer_email, lead.introducer_language or "en", lead.id,
                   recipient_name=lead.introducer_name, **context)


# --- duplicates ----------------------------------------------------------------------------------

#: What staff choose between when two leads are merged.
MERGEABLE_FIELDS = ("name", "company", "job_title", "country", "email", "phone", "preferred_language",
                    "estimated_investment_usd", "land_need_ha", "timeline")


def merge_leads(survivor: Lead, duplicate: Lead, take_from_duplicate: set[str], user: User) -> None:
    """Fold a duplicate into the surviving lead: chosen values, the whole timeline, consents, tasks,
    site visits, scheduled follow-ups, interests, the investor's documents and private links, and site
    needs the survivor lacks
    move over; the duplicate is kept, marked merged, and leaves every list."""
    now = clock.now()
    previous_status = duplicate.status
    changes = {}
    for name in MERGEABLE_FIELDS:
        if name in take_from_duplicate and getattr(survivor, name) != getattr(duplicate, name):
            changes[name] = (getattr(survivor, name), getattr(duplicate, name))
            setattr(survivor, name, getattr(duplicate, name))
    survivor.email_normalized = queries.normalize_email(survivor.email)
    survivor.activities.append(Activity(kind=ActivityKind.MESSAGE, submission_kind=duplicate.kind,
                                        body=duplicate.message, created_at=duplicate.created_at))
    for collection in ("activities", "consents", "tasks", "site_visits"):
        for item in list(getattr(duplicate, collection)):
            item.lead = survivor
    waiting = select(ScheduledMessage.outbox_id).where(ScheduledMessage.lead_id == duplicate.id,
                                                       ScheduledMessage.cancelled_at.is_(None))
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(waiting)).values(lead_id=survivor.id))
    # the investor's private link now opens the survivor; follow-ups still to send go out from it
    for model in (InvestorDocument, InquiryLink, ScheduledMessage):
        db.session.execute(update(model).where(model.lead_id == duplicate.id).values(lead_id=survivor.id))
    if survivor.site_needs is None and duplicate.site_needs is not None:
        survivor.site_needs, duplicate.site_needs = duplicate.site_needs, None
    for current, extra in ((survivor.sectors, duplicate.sectors), (survivor.tags, duplicate.tags),
                           (survivor.projects, duplicate.projects),
                           (survivor.parks, duplicate.parks)):
        current.extend(item for item in extra if item not in current)
    for name in ("referrer", "event", "owner"):
        if getattr(survivor, name) is None and getattr(duplicate, name) is not None:
            setattr(survivor, name, getattr(duplicate, name))
    answered = [moment for moment in (survivor.first_responded_at, duplicate.first_responded_at) if moment]
    survivor.first_responded_at = min(answered, key=as_utc) if answered else None
    survivor.priority_score = priority_score(survivor)
    survivor.activities.append(Activity(kind=ActivityKind.MERGE, user_id=user.id, created_at=now,
                                        details={"merged": duplicate.reference}))
    duplicate.status, duplicate.merged_into_id = LeadStatus.MERGED, survivor.id
    audit.record("lead", survivor.id, "merge", {"merged": (None, duplicate.reference), **changes}, user_id=user.id)
    audit.record("lead", duplicate.id, "merged_into", {"status": (previous_status, LeadStatus.MERGED),
                                                       "merged_into": (None, survivor.reference)}, user_id=user.id)
    db.session.flush()


def recompute_first_response_deadlines(day) -> int:
    """After a holiday is added or removed: leads still waiting for a first answer whose clock
    ran over that day get their deadline again. Returns how many changed."""
    stmt = select(Lead).where(Lead.status == LeadStatus.OPEN, Lead.first_responded_at.is_(None),
                              Lead.created_at < start_of_day(day + timedelta(days=1)),
                              Lead.first_response_due > start_of_day(day))
    changed = 0
    for lead in db.session.scalars(stmt):
        due = working_hours_after(as_utc(lead.created_at), current_app.config["FIRST_RESPONSE_HOURS"])
        if as_utc(lead.first_response_due) != due:
            lead.first_response_due = due
            changed += 1
    db.session.flush()
    return changed


def update_lead(lead: Lead, values: dict, sectors: list[Sector] | None, user: User, action: str = "update") -> None:
    """Staff correct or complete a lead's details (``sectors`` None: left as they are); the audit
    keeps the previous values and the priority follows what is now known."""
    changes = {name: (getattr(lead, name), value) for name, value in values.items() if getattr(lead, name) != value}
    for name, (_old, new) in changes.items():
        setattr(lead, name, new)
    if "email" in changes:
        lead.email_normalized = queries.normalize_email(lead.email)
    old_codes = sorted(s.code for s in lead.sectors)
    if sectors is not None and old_codes != sorted(s.code for s in sectors):
        changes["sectors"] = (old_codes, sorted(s.code for s in sectors))
        lead.sectors = list(sectors)
    lead.priority_score = priority_score(lead)
    if changes:
        audit.record("lead", lead.id, action, changes, user_id=user.id)
    db.session.flush()


def tags_named(names: list[str]) -> list[Tag]:
    """The tags of these names, the existing ones reused whatever the case typed, the others created."""
    if not names:
        return []
    existing = {tag.key: tag for tag in db.session.scalars(select(Tag).where(Tag.key.in_(map(tag_key, names))))}
    tags = []
    for name in names:
        tag = existing.get(tag_key(name))
        if tag is None:
            tag = existing[tag_key(name)] = Tag(name=name)
            db.session.add(tag)
        tags.append(tag)
    return tags


def set_tags(lead: Lead, names: list[str], user: User) -> None:
    before = [tag.name for tag in lead.tags]
    lead.tags = tags_named(names)
    after = [tag.name for tag in lead.tags]
    if sorted(before) != sorted(after):
        audit.record("lead", lead.id, "tags", {"tags": (before, after)}, user_id=user.id)
    db.session.flush()


def add_tag(leads: list[Lead], name: str, user: User) -> int:
    """Put one tag on several leads; returns how many did not have it yet."""
    (tag,) = tags_named([name])
    added = 0
    for lead in leads:
        if tag not in lead.tags:
            before = [t.name for t in lead.tags]
            lead.tags.append(tag)
            audit.record("lead", lead.id, "tags", {"tags": (before, before + [tag.name])}, user_id=user.id)
            added += 1
    db.session.flush()
    return added
