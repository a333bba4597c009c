"""Who gets a new inquiry automatically (``portal.leads.rules.assignment``): the first officer,
in the caller's round-robin order, who speaks the investor's language, covers their country and
is below capacity."""
from portal.auth.models import User
from portal.leads.rules.assignment import pick_officer


def officer(id, languages="", countries="", capacity=40) -> User:
    """An officer built in memory; empty languages or countries mean all."""
    return User(id=id, name=f"Officer {id}", languages=languages, countries=countries, capacity=capacity)


def test_first_eligible_in_given_order_wins():
    first, second = officer(1), officer(2)
    assert pick_officer([first, second], {}, "en", "KR") is first


def test_callers_order_decides_not_the_ids():
    first, second = officer(9), officer(2)
    assert pick_officer([first, second], {}, "en", "KR") is first


def test_officer_not_speaking_the_language_is_skipped():
    japanese, korean = officer(1, languages="ja,en"), officer(2, languages="ko,en")
    assert pick_officer([japanese, korean], {}, "ko", "KR") is korean


def test_officer_not_covering_the_country_is_skipped():
    europe, asia = officer(1, countries="DE,FR"), officer(2, countries="KR,JP")
    assert pick_officer([europe, asia], {}, "en", "JP") is asia


def test_empty_language_list_means_every_language():
    anyone = officer(1, languages="", countries="KR")
    assert pick_officer([anyone], {}, "ko", "KR") is anyone


def test_empty_country_list_means_every_country():
    anyone = officer(1, languages="en", countries="")
    assert pick_officer([anyone], {}, "en", "US") is anyone


def test_language_and_country_must_both_match():
    speaks_only, covers_only, both = (officer(1, languages="ko", countries="JP"),
                                      officer(2, languages="ja", countries="KR"),
                                      officer(3, languages="ko", countries="KR"))
    assert pick_officer([speaks_only, covers_only, both], {}, "ko", "KR") is both


def test_officer_at_capacity_is_skipped():
    full, free = officer(1, capacity=5), officer(2, capacity=5)
    assert pick_officer([full, free], {1: 5}, "en", "KR") is free


def test_officer_over_capacity_is_skipped():
    over, free = officer(1, capacity=5), officer(2, capacity=5)
    assert pick_officer([over, free], {1: 7}, "en", "KR") is free


def test_officer_one_below_capacity_still_gets_the_lead():
    nearly_full = officer(1, capacity=5)
    assert pick_officer([nearly_full], {1: 4}, "en", "KR") is nearly_full


def test_officer_without_open_leads_counts_as_zero():
    new = officer(1, capacity=1)
    assert pick_officer([new], {2: 30}, "en", "KR") is new


def test_officer_with_zero_capacity_never_gets_a_lead():
    assert pick_officer([officer(1, capacity=0)], {}, "en", "KR") is None


def test_nobody_eligible_gives_none():
    candidates = [officer(1, languages="ja"), officer(2, countries="DE"), officer(3, capacity=2)]
    assert pick_officer(candidates, {3: 2}, "ko", "KR") is None


def test_no_candidates_gives_none():
    assert pick_officer([], {}, "en", "KR") is None
