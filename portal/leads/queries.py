"""Read-only lookups: for capturing leads, and for the back office's lists, board and pages."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import cache

from sqlalchemy import (ColumnElement, Select, and_, bindparam, exists, func, literal_column, nulls_first, or_, select,
                        text, union_all)
from sqlalchemy.orm import contains_eager, joinedload, load_only, selectinload
from sqlalchemy.sql.elements import True_

from portal import clock
from portal.auth.models import User
from portal.clock import VIETNAM, start_of_day
from portal.extensions import db
from portal.leads.models import (
    Activity,
    Event,
    FormSubmission,
    Holiday,
    Lead,
    LeadStatus,
    LostReason,
    Referrer,
    SavedFilter,
    ScheduledMessage,
    SiteNeeds,
    SiteVisit,
    SiteVisitStop,
    Stage,
    StageChange,
    Tag,
    Task,
)
from portal.leads import search_index
from portal.outbox.models import OutboxMessage, OutboxStatus
from portal.leads.rules.access import contact_visible_to
from portal.leads.rules.deadlines import add_working_days, add_working_hours
from portal.leads.rules.matching import phone_digits
from portal.projects.models import IndustrialPark, InvestmentProject, Sector
from portal.search_text import fold

#: A submission from an e-mail with an open lead this recent joins that lead.
DUPLICATE_WINDOW = timedelta(days=90)


def normalize_email(email: str) -> str:
    return email.strip().lower()


def _open_and_recent(emails: list[str]) -> list:
    """The conditions for an address's open lead from the last 90 days."""
    return [Lead.email_normalized.in_({normalize_email(email) for email in emails}),
            Lead.status == LeadStatus.OPEN, Lead.last_message_at >= clock.now() - DUPLICATE_WINDOW]


def open_leads_for_emails(emails: list[str]) -> dict[str, Lead]:
    """Each address's open lead from the last 90 days, if any (the most recent): a new
    message from that investor joins it instead of starting a second lead."""
    stmt = (
        select(Lead)
        .where(*_open_and_recent(emails))
        .options(selectinload(Lead.sectors), selectinload(Lead.projects), selectinload(Lead.parks))
        .order_by(Lead.last_message_at.asc())
    )
    return {lead.email_normalized: lead for lead in db.session.scalars(stmt)}


@dataclass(frozen=True)
class Intake:
    """What receiving a submission reads before it writes: the id of the address's open lead, if any,
    the stage a new lead starts in, the public holidays its first-response deadline may run into, and
    the officers who may get it (active, taking leads automatically, longest without one first), each
    with their open leads."""

    open_lead_id: int | None
    first_stage: Stage
    holidays: frozenset[date]
    candidates: list[tuple[User, int]]


def intake(email: str, first_stage_code: str, received_at: datetime) -> Intake:
    """``Intake`` in one statement (each statement is a round trip to the database server), a row per
    officer (or one without): read with the submission, never kept, so never older than the
    transaction that writes the lead."""
    first = received_at.astimezone(VIETNAM).date()
    rows = db.session.execute(_intake_statement(db.engine.dialect.name), {
        "email": normalize_email(email), "since": clock.now() - DUPLICATE_WINDOW, "stage_code": first_stage_code,
        "first": first, "last": first + HOLIDAY_HORIZON}).all()
    stage, lead_id, days, _, _ = rows[0]
    return Intake(lead_id, stage, frozenset(date.fromisoformat(day) for day in (days or "").split(",") if day),
                  [(officer, open_leads) for *_, officer, open_leads in rows if officer is not None])


@cache
def _intake_statement(dialect: str) -> Select:
    """Built once per process: building it took longer than running it."""
    open_lead = (select(Lead.id).where(Lead.email_normalized == bindparam("email"), Lead.status == LeadStatus.OPEN,
                                       Lead.last_message_at >= bindparam("since"))
                 .limit(1).scalar_subquery())
    day = func.to_char(Holiday.day, "YYYY-MM-DD") if dialect == "postgresql" else Holiday.day  # as SQLite stores it
    holidays = (select(func.aggregate_strings(day, ","))
                .where(Holiday.day >= bindparam("first"), Holiday.day <= bindparam("last")).scalar_subquery())
    # Counted per officer who may get the lead (``ix_leads_owner_status``): a GROUP BY over every open
    # lead would grow with the whole pipeline, on every submission
    open_leads = (select(func.count()).select_from(Lead)
                  .where(Lead.owner_id == User.id, Lead.status == LeadStatus.OPEN).scalar_subquery())
    return (select(Stage, open_lead, holidays, User, open_leads).select_from(Stage)
            .outerjoin(User, and_(User.active.is_(True), User.auto_assign.is_(True)))
            .where(Stage.code == bindparam("stage_code"))
            .order_by(nulls_first(User.last_assigned_at.asc()), User.id))


def open_lead_for_email(email: str) -> Lead | None:
    """Probed by id first: most submissions come from a new address, and asking for no lead with its
    interests cost more than the probe (a repeat then pays for both)."""
    if db.session.scalar(select(Lead.id).where(*_open_and_recent([email])).limit(1)) is None:
        return None
    return open_leads_for_emails([email]).get(normalize_email(email))


def reference_for_form_key(key: str | None) -> str | None:
    """The reference of the lead a form sent with this key already reached, if it did."""
    if not key:
        return None
    return db.session.scalar(select(Lead.reference).join(FormSubmission, FormSubmission.lead_id == Lead.id)
                             .where(FormSubmission.key == key))


def active_referrer(code: str | None) -> Referrer | None:
    if not code:
        return None
    return db.session.scalars(select(Referrer).where(Referrer.code == code, Referrer.active.is_(True))).first()


def open_leads_per_owner() -> dict[int, int]:
    """How many open leads each staff member owns (their load against their capacity)."""
    return dict(db.session.execute(
        select(Lead.owner_id, func.count(Lead.id))
        .where(Lead.status == LeadStatus.OPEN, Lead.owner_id.is_not(None)).group_by(Lead.owner_id)).all())


def stage_in_use(stage: Stage) -> bool:
    """A stage a lead is in, was in, or left from cannot be deleted."""
    return db.session.scalar(select(
        exists().where(or_(Lead.stage_id == stage.id, Lead.last_open_stage_id == stage.id))
        | exists().where(or_(StageChange.to_stage_id == stage.id, StageChange.from_stage_id == stage.id))
    ))


def stage_by_code(code: str) -> Stage:
    return db.session.scalars(select(Stage).where(Stage.code == code)).one()


def published_projects_by_slug(slugs: list[str]) -> list[InvestmentProject]:
    if not slugs:
        return []
    stmt = select(InvestmentProject).where(InvestmentProject.slug.in_(slugs), InvestmentProject.published.is_(True))
    return list(db.session.scalars(stmt.options(selectinload(InvestmentProject.texts))))


def published_parks_by_slug(slugs: list[str]) -> list[IndustrialPark]:
    if not slugs:
        return []
    stmt = select(IndustrialPark).where(IndustrialPark.slug.in_(slugs), IndustrialPark.published.is_(True))
    return list(db.session.scalars(stmt.options(selectinload(IndustrialPark.texts))))


def visit_choices() -> tuple[list[IndustrialPark], list[InvestmentProject]]:
    """Every published park and project with its names, the parks' locations and the projects'
    sectors (the form groups them), for the site-visit form."""
    parks = select(IndustrialPark).where(IndustrialPark.published.is_(True)).order_by(IndustrialPark.id)
    projects = select(InvestmentProject).where(InvestmentProject.published.is_(True)).order_by(InvestmentProject.id)
    return (list(db.session.scalars(parks.options(joinedload(IndustrialPark.location),
                                                  selectinload(IndustrialPark.texts)))),
            list(db.session.scalars(projects.options(joinedload(InvestmentProject.sector),
                                                     selectinload(InvestmentProject.texts)))))


# --- the back office ---------------------------------------------------------------------------

LEAD_SORTS = {
    "priority": (Lead.priority_score.desc(), Lead.created_at.desc()),
    "newest": (Lead.created_at.desc(),),
    "oldest": (Lead.created_at.asc(),),
    "due": (Lead.first_response_due.asc(),),
    "investment": (Lead.estimated_investment_usd.desc(),),
    "company": (Lead.company.asc(),),
    # As the index ix_leads_next_step has it (``portal.leads.search_index``): planned ones first
    "next_step": (Lead.next_due.is_(None), Lead.next_due.asc()),
}


@dataclass
class LeadFilters:
    q: str = ""
    status: str = "open"
    stage: int | None = None
    owner: str = ""  # a user id, or "none" for unassigned
    kind: str = ""
    source: str = ""
    referrer: int | None = None
    event: int | None = None
    country: str = ""
    sector: str = ""
    language: str = ""
    tag: int | None = None
    created_from: date | None = None
    created_to: date | None = None
    overdue: bool = False
    #: Open leads with no open task: nobody has planned what happens next.
    no_next_step: bool = False
    #: The investor replied by e-mail and nobody has answered since.
    waiting_for_us: bool = False
    sort: str = "newest"


def overdue_condition(now=None):
    """Open, not yet answered, and past its first-response deadline."""
    now = now or clock.now()
    return and_(Lead.status == LeadStatus.OPEN, Lead.first_responded_at.is_(None), Lead.first_response_due < now)


def _contains(column, word: str, common: bool = False) -> ColumnElement[bool]:
    """``column`` contains ``word``, as a LIKE both text indexes serve (a pattern of three
    characters or more); ``%``, ``_`` and ``\\`` typed are escaped, then only, so the common
    pattern stays one the SQLite FTS5 table answers.

    ``common``: the word is in thousands of leads, and PostgreSQL is better off reading the leads
    in the list's order from its index, checking each, until the page is full (2 ms for "dong nai"
    at 100,000 leads) than reading all 5,000 from the trigram index, then sorting (25 to 40 ms). It
    takes the second way for a LIKE, whose matches it underestimates when words come together
    ("dong" and "nai"); ``strpos(...) > 0``, the same test, it counts as a third of the rows."""
    if common:
        return func.strpos(column, word) > 0
    if any(char in word for char in "%_\\"):
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return column.like(f"%{escaped}%", escape="\\")
    return column.like(f"%{word}%")


def _word_matches(word: str, viewer: User, common: bool = False) -> ColumnElement[bool]:
    """A lead whose company or reference contains ``word``, or whose contact data (name, e-mail,
    phone, message) does where ``viewer`` may see it: an officer does not find a colleague's lead
    by its e-mail. Accents and case do not count ("binh duong" finds "Bình Dương")."""
    folded = fold(word)
    contact = [_contains(Lead.search_contact, folded, common)]
    if (phone := phone_digits(word)) and phone != folded:
        contact.append(_contains(Lead.search_contact, phone, common))
    return or_(_contains(Lead.search_public, folded, common), and_(contact_visible_to(viewer), or_(*contact)))


def _fts_phrase(text_: str) -> str:
    """``text_`` as one FTS5 string: the trigram tokenizer finds it as a part of a word."""
    return '"' + text_.replace('"', '""') + '"'


def _sqlite_text_search(words: list[str], viewer: User, common: bool = False) -> list[ColumnElement[bool]]:
    """``_word_matches`` for every word, as one ``MATCH`` of the FTS5 trigram table for the words of
    three characters or more (read from its index, never from the rows); shorter words, which
    have no trigram, are compared with ``LIKE``. A word is found in either column; a lead whose
    contact data the viewer may not see must have every word in its public text.

    ``common``: the words are in thousands of leads. SQLite then still reads the leads the table
    finds (``leads.id IN``) one by one, then sorts them: 20 ms for "hanbit" at 100,000 leads. As
    ``leads.id + 0`` the match is only checked, and the leads are read in the list's order from
    its index (``ix_leads_status_created_at``, ``ix_leads_next_step``) until the page is full."""
    long_words = [word for word in words if len(fold(word)) >= 3]
    conditions = [_word_matches(word, viewer) for word in words if len(fold(word)) < 3]
    if not long_words:
        return conditions
    anywhere, public = [], []
    for word in long_words:
        folded = fold(word)
        either = _fts_phrase(folded)
        if (phone := phone_digits(word)) and phone != folded:
            either = f"({either} OR search_contact : {_fts_phrase(phone)})"
        anywhere.append(either)
        public.append(f"search_public : {_fts_phrase(folded)}")

    def hits(expression: str) -> ColumnElement[bool]:
        table = text(search_index.SQLITE_TABLE)
        found = select(literal_column("rowid")).select_from(table).where(
            literal_column(search_index.SQLITE_TABLE).op("MATCH")(expression))
        return (Lead.id + 0 if common else Lead.id).in_(found)

    conditions.append(hits(" AND ".join(anywhere)))
    visible = contact_visible_to(viewer)
    if not isinstance(visible, True_):
        conditions.append(or_(visible, hits(" AND ".join(public))))
    return conditions


def filter_leads(filters: LeadFilters, viewer: User, common_words: bool = False) -> Select:
    """The leads ``filters`` select, as ``viewer`` may search them; ``common_words``: the words
    typed are in more leads than the list counts, which are then read in the list's order
    (``_sqlite_text_search``, ``_contains``)."""
    stmt = select(Lead)
    if filters.status in (LeadStatus.OPEN, LeadStatus.WON, LeadStatus.LOST):
        stmt = stmt.where(Lead.status == filters.status)
    else:
        stmt = stmt.where(Lead.status != LeadStatus.MERGED)
    words = filters.q.split()
    if words and db.session.get_bind().dialect.name == "sqlite":
        stmt = stmt.where(*_sqlite_text_search(words, viewer, common_words))
    else:
        stmt = stmt.where(*(_word_matches(word, viewer, common_words) for word in words))
    if filters.stage:
        stmt = stmt.where(Lead.stage_id == filters.stage)
    if filters.owner == "none":
        stmt = stmt.where(Lead.owner_id.is_(None))
    elif filters.owner.isdigit():
        stmt = stmt.where(Lead.owner_id == int(filters.owner))
    for column, value in ((Lead.kind, filters.kind), (Lead.source, filters.source), (Lead.country, filters.country),
                          (Lead.preferred_language, filters.language)):
        if value:
            stmt = stmt.where(column == value)
    if filters.referrer:
        stmt = stmt.where(Lead.referrer_id == filters.referrer)
    if filters.event:
        stmt = stmt.where(Lead.event_id == filters.event)
    if filters.sector:
        stmt = stmt.where(Lead.sectors.any(Sector.code == filters.sector))
    if filters.tag:
        stmt = stmt.where(Lead.tags.any(Tag.id == filters.tag))
    if filters.created_from:
        stmt = stmt.where(Lead.created_at >= start_of_day(filters.created_from))
    if filters.created_to:
        stmt = stmt.where(Lead.created_at < start_of_day(filters.created_to + timedelta(days=1)))
    if filters.overdue:
        stmt = stmt.where(overdue_condition())
    if filters.no_next_step:
        stmt = stmt.where(Lead.status == LeadStatus.OPEN, Lead.next_due.is_(None))
    if filters.waiting_for_us:
        stmt = stmt.where(Lead.investor_replied_at.is_not(None))
    order = LEAD_SORTS.get(filters.sort, LEAD_SORTS["newest"])
    return stmt.order_by(*order, Lead.id.desc())


def _with_row_data(stmt: Select) -> Select:
    return stmt.options(joinedload(Lead.stage), joinedload(Lead.owner), joinedload(Lead.referrer),
                        selectinload(Lead.tags))


def tags() -> list[Tag]:
    return list(db.session.scalars(select(Tag).order_by(Tag.name)))


#: The list counts the leads it finds up to this many, then says "more than 1,000": counting all of
#: 60,000 open leads (or the thousands a common word finds) costs more than showing a page.
COUNT_LIMIT = 1000

#: What a row of the list shows of a lead (``leads/pipeline/leads.html``): the rest stays unread.
LIST_COLUMNS = (Lead.id, Lead.reference, Lead.company, Lead.name, Lead.kind, Lead.status, Lead.stage_id,
                Lead.country, Lead.owner_id, Lead.referrer_id, Lead.priority_score, Lead.estimated_investment_usd,
                Lead.created_at, Lead.first_response_due, Lead.first_responded_at, Lead.next_due,
                Lead.investor_replied_at)


@dataclass
class LeadPage:
    """A page of the lead list, for the ``pagination`` macro. ``total`` is exact up to
    ``COUNT_LIMIT``; past it ``more`` is set, and the pages run on while ``has_next``."""

    items: list[Lead]
    page: int
    per_page: int
    total: int
    more: bool
    has_next: bool

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None

    @property
    def pages(self) -> int:
        counted = -(-self.total // self.per_page)
        return max(counted, self.page + self.has_next) if self.more else counted

    def iter_pages(self, *, left_edge: int = 2, left_current: int = 2, right_current: int = 4,
                   right_edge: int = 2):
        """As Flask-SQLAlchemy's, with no last pages when the count stopped (``None`` is a gap)."""
        end = self.pages + 1
        left_end = min(1 + left_edge, end)
        yield from range(1, left_end)
        if left_end == end:
            return
        middle_start, middle_end = max(left_end, self.page - left_current), min(self.page + right_current + 1, end)
        if middle_start > left_end:
            yield None
        yield from range(middle_start, middle_end)
        right_start = end if self.more else max(middle_end, end - right_edge)
        if right_start > middle_end or (self.more and self.has_next):
            yield None
        yield from range(right_start, end)


def search_leads(filters: LeadFilters, viewer: User, page: int, per_page: int) -> LeadPage:
    """One page of the leads ``filters`` select, and their number counted up to ``COUNT_LIMIT``
    (from the index alone where it can: only the ids are selected)."""
    stmt = filter_leads(filters, viewer)
    found = db.session.scalar(select(func.count()).select_from(
        stmt.with_only_columns(Lead.id).order_by(None).limit(COUNT_LIMIT + 1).subquery()))
    if found > COUNT_LIMIT and filters.q.strip():
        stmt = filter_leads(filters, viewer, common_words=True)
    offset = (page - 1) * per_page
    # Nothing found, or a page past the last: the count, exact below its limit, said so already.
    rows = [] if found <= COUNT_LIMIT and offset >= found else list(db.session.scalars(
        _with_list_row_data(stmt).offset(offset).limit(per_page + 1)).unique())
    return LeadPage(items=rows[:per_page], page=page, per_page=per_page, total=min(found, COUNT_LIMIT),
                    more=found > COUNT_LIMIT, has_next=len(rows) > per_page)


def _with_list_row_data(stmt: Select) -> Select:
    return stmt.options(load_only(*LIST_COLUMNS), joinedload(Lead.stage),
                        joinedload(Lead.owner).load_only(User.name), joinedload(Lead.referrer).load_only(Referrer.name),
                        selectinload(Lead.tags))


def next_steps(leads: list[Lead]) -> dict[int, date]:
    """Each lead's next follow-up date (earliest open task), as the leads keep it."""
    return {lead.id: lead.next_due for lead in leads if lead.next_due is not None}


def lead_by_reference(reference: str) -> Lead | None:
    stmt = _with_row_data(select(Lead).where(Lead.reference == reference)).options(
        joinedload(Lead.lost_reason),
        selectinload(Lead.sectors),
        selectinload(Lead.projects).selectinload(InvestmentProject.texts),
        selectinload(Lead.parks).selectinload(IndustrialPark.texts),
        selectinload(Lead.consents),
        selectinload(Lead.activities).joinedload(Activity.user),
        selectinload(Lead.tasks).joinedload(Task.assignee),
        selectinload(Lead.site_needs).joinedload(SiteNeeds.sector),
        selectinload(Lead.site_visits).selectinload(SiteVisit.stops).joinedload(SiteVisitStop.park)
        .selectinload(IndustrialPark.texts),
    )
    return db.session.scalars(stmt).first()


def parks_to_visit() -> list[IndustrialPark]:
    """Every park of the catalogue with its names, published or not (staff may show a park early)."""
    return list(db.session.scalars(select(IndustrialPark).options(selectinload(IndustrialPark.texts))))


def stages() -> list[Stage]:
    return list(db.session.scalars(select(Stage).order_by(Stage.position, Stage.id)))


def lost_reasons() -> list[LostReason]:
    stmt = select(LostReason).where(LostReason.active.is_(True)).order_by(LostReason.position, LostReason.id)
    return list(db.session.scalars(stmt))


def staff_members() -> list[User]:
    return list(db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.name)))


def referrers() -> list[Referrer]:
    return list(db.session.scalars(select(Referrer).order_by(Referrer.name)))


@dataclass
class BoardColumn:
    stage: Stage
    leads: list[Lead]
    count: int
    estimated_investment_usd: int


#: What a card of the board shows of a lead (``leads/pipeline/board.html``).
BOARD_COLUMNS = (Lead.id, Lead.reference, Lead.company, Lead.name, Lead.status, Lead.stage_id, Lead.country,
                 Lead.owner_id, Lead.priority_score, Lead.estimated_investment_usd, Lead.created_at,
                 Lead.first_response_due, Lead.first_responded_at)


def board(filters: LeadFilters, viewer: User, per_column: int = 50) -> list[BoardColumn]:
    """One column per open stage with its count, the sum of estimated investment, and its newest
    ``per_column`` leads: each stage's own ``LIMIT`` (read from the stage and date index), never a
    ranking of every open lead."""
    open_stages = [stage for stage in stages() if stage.is_open]
    base = filter_leads(replace(filters, status=LeadStatus.OPEN, stage=None), viewer).order_by(None)
    totals = {
        stage_id: (count, total or 0)
        for stage_id, count, total in db.session.execute(
            base.with_only_columns(Lead.stage_id, func.count(), func.sum(Lead.estimated_investment_usd))
            .group_by(Lead.stage_id)
        )
    }
    by_stage: dict[int, list[Lead]] = {}
    if open_stages and per_column > 0:
        newest = [base.with_only_columns(Lead.id).where(Lead.stage_id == stage.id)
                  .order_by(Lead.created_at.desc(), Lead.id.desc()).limit(per_column).subquery()
                  for stage in open_stages]
        shown = union_all(*(select(column.c.id) for column in newest))
        rows = db.session.scalars(select(Lead).where(Lead.id.in_(shown))
                                  .order_by(Lead.created_at.desc(), Lead.id.desc())
                                  .options(load_only(*BOARD_COLUMNS), joinedload(Lead.owner).load_only(User.name)))
        for lead in rows:
            by_stage.setdefault(lead.stage_id, []).append(lead)
    return [BoardColumn(stage, by_stage.get(stage.id, []), *totals.get(stage.id, (0, 0))) for stage in open_stages]


def open_tasks_for(user: User, until: date) -> list[Task]:
    """The user's open tasks due by ``until``, on leads and on companies alike, the oldest first."""
    stmt = (select(Task).where(Task.assignee_id == user.id, Task.done_at.is_(None), Task.due_date <= until)
            .order_by(Task.due_date, Task.id).options(joinedload(Task.lead), joinedload(Task.company)))
    return list(db.session.scalars(stmt))


def task_by_id(task_id: int) -> Task | None:
    return db.session.get(Task, task_id)


def waiting_leads(limit: int = 20) -> list[Lead]:
    """New leads nobody has taken yet, the oldest deadline first."""
    stmt = (_with_row_data(select(Lead)).where(Lead.status == LeadStatus.OPEN, Lead.owner_id.is_(None))
            .order_by(Lead.first_response_due.asc(), Lead.id).limit(limit))
    return list(db.session.scalars(stmt))


def replies_waiting_for(user: User) -> list[Lead]:
    """The user's open leads whose investor replied and waits for our answer, the longest waiting first."""
    stmt = _with_row_data(select(Lead)).where(Lead.owner_id == user.id, Lead.status == LeadStatus.OPEN,
                                              Lead.investor_replied_at.is_not(None))
    return list(db.session.scalars(stmt.order_by(Lead.investor_replied_at, Lead.id)))


def overdue_leads_of(user: User) -> list[Lead]:
    stmt = _with_row_data(select(Lead)).where(overdue_condition(), Lead.owner_id == user.id)
    return list(db.session.scalars(stmt.order_by(Lead.first_response_due)))


def leads_for_export(viewer: User, filters: LeadFilters | None = None, references: list[str] | None = None,
                     limit: int = 50_000) -> list[Lead]:
    """Every lead the filters (or the references) select, with what the export shows."""
    stmt = filter_leads(filters or LeadFilters(status="all"), viewer)
    if references is not None:
        stmt = stmt.where(Lead.reference.in_(references))
    stmt = _with_row_data(stmt).options(selectinload(Lead.sectors)).limit(limit)
    return list(db.session.scalars(stmt))


def saved_filters(user: User) -> list[SavedFilter]:
    return list(db.session.scalars(select(SavedFilter).where(SavedFilter.user_id == user.id)
                                   .order_by(SavedFilter.name)))


def saved_filter(filter_id: int, user: User) -> SavedFilter | None:
    return db.session.scalars(select(SavedFilter).where(SavedFilter.id == filter_id,
                                                        SavedFilter.user_id == user.id)).first()


@dataclass
class Tally:
    """An item with the leads it brought and how many of them registered."""

    item: object
    leads: int
    registered: int


def _tallies(model, lead_column) -> Select:
    registered = func.count(Lead.id).filter(Lead.status == LeadStatus.WON)
    stmt = (select(model, func.count(Lead.id), registered)
            .outerjoin(Lead, and_(lead_column == model.id, Lead.status != LeadStatus.MERGED))
            .group_by(model.id))
    return stmt


def referrer_tallies() -> list[Tally]:
    stmt = _tallies(Referrer, Lead.referrer_id).order_by(Referrer.active.desc(), Referrer.name)
    return [Tally(*row) for row in db.session.execute(stmt)]


def event_tallies() -> list[Tally]:
    stmt = _tallies(Event, Lead.event_id).order_by(Event.starts_on.desc())
    return [Tally(*row) for row in db.session.execute(stmt)]


def referrer_codes(except_id: int | None = None) -> set[str]:
    return set(db.session.scalars(select(Referrer.code).where(Referrer.id != (except_id or 0))))


def events() -> list[Event]:
    return list(db.session.scalars(select(Event).order_by(Event.starts_on.desc())))



def possible_duplicates(lead: Lead, limit: int = 10) -> list[Lead]:
    """Other leads that are probably the same investor: same e-mail, same business e-mail
    domain, same phone, or the same company name in the same country."""
    conditions = [Lead.email_normalized == lead.email_normalized]
    if lead.email_domain:
        conditions.append(Lead.email_domain == lead.email_domain)
    if lead.phone_digits:
        conditions.append(Lead.phone_digits == lead.phone_digits)
    if lead.company_key:
        conditions.append(and_(Lead.company_key == lead.company_key, Lead.country == lead.country))
    stmt = (_with_row_data(select(Lead)).where(Lead.id != lead.id, Lead.status != LeadStatus.MERGED,
                                               or_(*conditions))
            .order_by(Lead.created_at.desc()).limit(limit))
    return list(db.session.scalars(stmt))


#: How far ahead holidays are looked up: longer than any deadline plus the longest break (Tết).
HOLIDAY_HORIZON = timedelta(days=60)


def working_hours_after(start: datetime, hours: float) -> datetime:
    """``rules.deadlines.add_working_hours`` with the public holidays recorded by the administrators."""
    first = start.astimezone(VIETNAM).date()
    days = set(db.session.scalars(select(Holiday.day).where(Holiday.day >= first,
                                                            Holiday.day <= first + HOLIDAY_HORIZON)))
    return add_working_hours(start, hours, days)


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a public holiday recorded by the administrators."""
    return day.weekday() < 5 and db.session.scalar(select(Holiday.id).where(Holiday.day == day)) is None


def working_days_after(day: date, days: int) -> date:
    """``rules.deadlines.add_working_days`` with the public holidays recorded by the administrators."""
    last = day + HOLIDAY_HORIZON + timedelta(days=2 * days)
    holidays = set(db.session.scalars(select(Holiday.day).where(Holiday.day > day, Holiday.day <= last)))
    return add_working_days(day, days, holidays)


def waiting_follow_ups(lead: Lead) -> list[ScheduledMessage]:
    """The lead's scheduled e-mails not yet sent nor cancelled, the soonest first."""
    return list(db.session.scalars(
        select(ScheduledMessage).join(OutboxMessage, OutboxMessage.id == ScheduledMessage.outbox_id)
        .where(ScheduledMessage.lead_id == lead.id, ScheduledMessage.cancelled_at.is_(None),
               OutboxMessage.status.in_((OutboxStatus.PENDING, OutboxStatus.SENDING)))
        .options(contains_eager(ScheduledMessage.message), joinedload(ScheduledMessage.created_by))
        .order_by(ScheduledMessage.send_at, ScheduledMessage.id)))
