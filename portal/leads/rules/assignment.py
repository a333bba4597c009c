"""Automatic assignment of a new lead, so that nobody has to dispatch the inbox by hand:
among the officers who take part (``User.auto_assign``), those who work in the investor's
language and cover their country, below their capacity of open leads, the one who got a
lead longest ago (round robin)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from portal.auth.models import User


def pick_officer(candidates: Iterable[User], open_leads: Mapping[int, int], language: str,
                 country: str) -> User | None:
    """The first of ``candidates`` (longest without a new lead first) who speaks the investor's
    language, covers their country (an empty list means all) and is below capacity."""
    for officer in candidates:
        if officer.language_list and language not in officer.language_list:
            continue
        if officer.country_list and country not in officer.country_list:
            continue
        if open_leads.get(officer.id, 0) >= officer.capacity:
            continue
        return officer
    return None
