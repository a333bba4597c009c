"""Public pages run a fixed number of SQL statements, whatever the catalogue size."""
from sqlalchemy import select

from portal.projects.models import Location, Sector
from tests import factories


def add_to_catalogue(session, first: int, last: int):
    """Projects and parks numbered ``first`` to ``last - 1``, spread over three sectors and locations."""
    if first == 0:
        sectors = [factories.sector(f"sector-{n}") for n in range(3)]
        locations = [factories.location(f"location-{n}") for n in range(3)]
    else:
        sectors = list(session.scalars(select(Sector).order_by(Sector.code)))
        locations = list(session.scalars(select(Location).order_by(Location.code)))
    for n in range(first, last):
        park = factories.park(f"park-{n}", where=locations[n % 3], sectors=sectors[: 1 + n % 3],
                              texts={"en": f"Park {n}", "vi": f"KCN {n}", "ko": f"산업단지 {n}"},
                              latitude=10.9 + n / 500, longitude=106.6 + n / 700)
        factories.project(f"project-{n}", of=sectors[n % 3], where=locations[n % 3], in_park=park,
                          featured=n % 2 == 0, texts={"en": f"Project {n}", "ja": f"案件 {n}"},
                          latitude=10.91 + n / 500, longitude=106.61 + n / 700)
    session.commit()


PAGES = [
    "/ko/",
    "/ko/projects/",
    "/ko/projects/?sort=investment_desc&sector=sector-1&q=project",
    "/ko/projects/project-3",
    "/ko/parks/",
    "/ko/parks/?sector=sector-2&min_available=1",
    "/ko/parks/park-3",
    "/ko/parks/compare?park=park-1&park=park-2&park=park-3",
    "/ko/map",
    "/ko/map?sector=sector-1&location=location-1&min_land=1",
    "/ko/parks/park-3?land_ha=30&floor_m2=2000&water_m3_day=500",
    "/ko/parks/compare?park=park-1&park=park-2&park=park-3&land_ha=30&floor_m2=2000",
    "/sitemap.xml",
]


def statements_per_page(client, count_queries) -> dict[str, int]:
    counts = {}
    for page in PAGES:
        with count_queries() as counter:
            assert client.get(page).status_code == 200, page
        counts[page] = counter.count
    return counts


def test_statement_count_does_not_grow_with_the_catalogue(client, session, count_queries):
    add_to_catalogue(session, 0, 10)
    with_10 = statements_per_page(client, count_queries)
    add_to_catalogue(session, 10, 200)
    with_200 = statements_per_page(client, count_queries)
    assert with_200 == with_10
    assert max(with_200.values()) <= 10, with_200
