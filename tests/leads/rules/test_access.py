"""Who may work on a lead and see its contact data (``portal.leads.rules.access``)."""
import pytest

from portal.auth.models import User
from portal.leads.models import Lead
from portal.leads.rules.access import can_see_contact, can_work_on

ME, COLLEAGUE = 1, 2


@pytest.mark.parametrize(("role", "owner", "allowed"), [
    ("officer", ME, True),
    ("officer", None, True),  # nobody has taken it: any officer may answer, and take it
    ("officer", COLLEAGUE, False),
    ("manager", COLLEAGUE, True),
    ("admin", COLLEAGUE, True),
    ("manager", None, True),
])
def test_contact_data_follows_the_work(role, owner, allowed):
    user, lead = User(id=ME, role=role), Lead(owner_id=owner)
    assert can_see_contact(user, lead) is allowed
    assert can_work_on(user, lead) is allowed
