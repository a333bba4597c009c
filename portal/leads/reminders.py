"""The morning reminder: each staff member gets one e-mail, in their language, listing what
is due that day: their tasks due or late, their leads waiting for a first answer (late or due
today), their investors waiting for our reply, their follow-ups due, and, for managers, the new
leads nobody has taken. Nobody with nothing due gets mail.

Run by cron on working mornings (``flask reminders send``); weekends and public holidays are
skipped, and a second run on the same day sends nothing twice.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import click
from flask.cli import AppGroup
from sqlalchemy import select

from portal import clock
from portal.auth.models import Role, User
from portal.clock import start_of_day
from portal.extensions import db
from portal.leads import queries
from portal.leads.models import Lead, LeadStatus, Task
from portal.outbox import queue_mail
from portal.outbox.models import OutboxMessage

KIND = "daily_digest"


@dataclass
class Digest:
    tasks: list[Task] = field(default_factory=list)
    late_answers: list[Lead] = field(default_factory=list)
    answers_due_today: list[Lead] = field(default_factory=list)
    unassigned: list[Lead] = field(default_factory=list)
    #: Their leads whose investor replied and waits for our answer, the longest waiting first.
    replies_waiting: list[Lead] = field(default_factory=list)
    #: Their automatic follow-up tasks due or late (listed here, not among ``tasks``).
    follow_ups: list[Task] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.tasks or self.late_answers or self.answers_due_today or self.unassigned
                    or self.replies_waiting or self.follow_ups)


def digest_for(user: User, today: date) -> Digest:
    now = clock.now()
    due_today = (select(Lead).where(Lead.owner_id == user.id, Lead.status == LeadStatus.OPEN,
                                    Lead.first_responded_at.is_(None), Lead.first_response_due >= now,
                                    Lead.first_response_due < start_of_day(today + timedelta(days=1)))
                 .order_by(Lead.first_response_due))
    tasks = queries.open_tasks_for(user, today)
    return Digest(
        tasks=[task for task in tasks if not task.follow_up],
        late_answers=queries.overdue_leads_of(user),
        answers_due_today=list(db.session.scalars(due_today)),
        unassigned=queries.waiting_leads() if user.can(Role.MANAGER) else [],
        replies_waiting=queries.replies_waiting_for(user),
        follow_ups=[task for task in tasks if task.follow_up],
    )


def _already_sent(user: User, today: date) -> bool:
    return db.session.scalar(select(OutboxMessage.id).where(
        OutboxMessage.kind == KIND, OutboxMessage.recipient == user.email,
        OutboxMessage.created_at >= start_of_day(today))) is not None


def send_daily_digests(force: bool = False) -> int:
    """Queue today's reminders in the outbox; returns how many were written."""
    today = clock.today_in_vietnam()
    if not force and not queries.is_working_day(today):
        return 0
    written = 0
    for user in db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.id)):
        if _already_sent(user, today):
            continue
        digest = digest_for(user, today)
        if digest.empty:
            continue
        message = queue_mail(KIND, user.email, user.language, user=user, digest=digest, today=today)
        message.created_at = clock.now()
        written += 1
    db.session.flush()
    return written


reminders_cli = AppGroup("reminders", help="Reminders to staff.")


@reminders_cli.command("send")
@click.option("--force", is_flag=True, help="Also on a weekend or a public holiday.")
def send_reminders_command(force: bool) -> None:
    """Queue each staff member's morning reminder (tasks, first answers, replies and follow-ups due); cron, working mornings."""
    written = send_daily_digests(force)
    db.session.commit()
    click.echo(f"Reminders: {written} queued in the outbox.")
