"""The pipeline at a glance for managers (``/staff/``): open leads per stage with their
estimated and probability-weighted investment, new leads this week and month, overdue first
answers. Every figure is one GROUP BY in the database, whatever the number of leads."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select

from portal import clock
from portal.clock import start_of_day
from portal.extensions import db
from portal.leads.models import Lead, LeadStatus, Stage
from portal.leads.queries import overdue_condition


@dataclass
class StageLine:
    stage: Stage
    leads: int
    estimated_usd: int
    weighted_usd: int


@dataclass
class Glance:
    stages: list[StageLine]
    new_this_week: int
    new_this_month: int
    overdue: int

    @property
    def open_leads(self) -> int:
        return sum(line.leads for line in self.stages)

    @property
    def estimated_usd(self) -> int:
        return sum(line.estimated_usd for line in self.stages)

    @property
    def weighted_usd(self) -> int:
        return sum(line.weighted_usd for line in self.stages)


def pipeline_at_a_glance() -> Glance:
    today = clock.today_in_vietnam()
    week_start = start_of_day(today - timedelta(days=today.weekday()))
    month_start = start_of_day(today.replace(day=1))
    estimated = func.coalesce(func.sum(Lead.estimated_investment_usd), 0)
    weighted = func.coalesce(func.sum(Lead.estimated_investment_usd * Lead.probability / 100.0), 0)
    per_stage = {
        stage_id: (count, int(total), int(round(float(weighted_total))))
        for stage_id, count, total, weighted_total in db.session.execute(
            select(Lead.stage_id, func.count(Lead.id), estimated, weighted)
            .where(Lead.status == LeadStatus.OPEN).group_by(Lead.stage_id)
        )
    }
    stages = db.session.scalars(select(Stage).order_by(Stage.position, Stage.id)).all()
    lines = [StageLine(stage, *per_stage.get(stage.id, (0, 0, 0))) for stage in stages if stage.is_open]
    counts = db.session.execute(select(
        func.count(Lead.id).filter(Lead.created_at >= week_start),
        func.count(Lead.id).filter(Lead.created_at >= month_start),
        func.count(Lead.id).filter(overdue_condition()),
    ).where(Lead.status != LeadStatus.MERGED)).one()
    return Glance(lines, *counts)
