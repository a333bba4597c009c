"""Who may work on a lead: the one rule every page and action on a lead asks."""
from __future__ import annotations

from typing import TYPE_CHECKING

from portal.auth.models import Role, User

if TYPE_CHECKING:
    from portal.leads.models import Lead


def can_work_on(user: User, lead: Lead) -> bool:
    """Managers work on every lead; an officer on their own leads and on those nobody has taken."""
    return user.can(Role.MANAGER) or lead.owner_id in (None, user.id)
