"""Alembic builds the schema from an empty database, on SQLite and on PostgreSQL alike."""
import warnings

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import column, inspect, select, table

from portal.extensions import db
from portal.leads.search_index import include_name
from tests.conftest import make_app, temporary_database


def test_upgrade_from_empty_matches_the_models_and_downgrades_cleanly(tmp_path):
    with temporary_database(tmp_path) as url:
        app = make_app(url, tmp_path / "instance")
        with app.app_context():
            upgrade()
            with db.engine.connect() as conn:
                # The indexes made by hand (portal.leads.search_index) are left out by name; SQLite's
                # reflection warns that it cannot read the expression index among them
                context = MigrationContext.configure(conn, opts={"include_name": include_name})
                with warnings.catch_warnings():
                    warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index")
                    assert compare_metadata(context, db.metadata) == []
            downgrade(revision="base")
            assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
            db.engine.dispose()


def lead_at_this_revision(reference: str) -> int:
    """A lead written with the columns ``leads`` has at the current revision (the model may have
    more by now): each required column without a server default gets a plain value."""
    return row_at_this_revision("leads", reference=reference)


def row_at_this_revision(name: str, **given) -> int:
    """A row of the table ``name`` with the columns it has at the current revision: ``given``, and
    each other required column without a server default a plain value (a foreign key: 1, e.g. the
    first stage the migrations seed); returns its id."""
    from sqlalchemy import Boolean, DateTime, Integer, MetaData, Numeric, Table

    from portal import clock

    rows = Table(name, MetaData(), autoload_with=db.session.connection())
    values = {}
    for col in rows.columns:
        if col.name in given or col.primary_key or col.nullable or col.server_default is not None:
            continue
        if col.foreign_keys:
            values[col.name] = 1
        elif isinstance(col.type, DateTime):
            values[col.name] = clock.now()
        elif isinstance(col.type, Boolean):
            values[col.name] = False
        elif isinstance(col.type, (Integer, Numeric)):
            values[col.name] = 0
        else:
            values[col.name] = "x"
    return db.session.execute(rows.insert().values(**values, **given).returning(rows.c.id)).scalar_one()


def test_tags_differing_only_by_case_are_merged_when_tags_get_their_key(tmp_path):
    """Tags that only SQLite's ASCII-only ``lower()`` kept apart become one, keeping every lead's tag."""
    tags = table("tags", column("id"), column("name"))
    lead_tags = table("lead_tags", column("lead_id"), column("tag_id"))
    with temporary_database(tmp_path) as url:
        app = make_app(url, tmp_path / "instance")
        with app.app_context():
            upgrade(revision="9196e932e9ab")  # before tags had a key: SQLite's lower() let these through
            both, second = lead_at_this_revision("IP-OLD-1"), lead_at_this_revision("IP-OLD-2")
            db.session.execute(tags.insert(), [{"id": 1, "name": "Điện tử"}, {"id": 2, "name": "ĐIỆN TỬ"},
                                               {"id": 3, "name": "Korea desk"}])
            db.session.execute(lead_tags.insert(), [{"lead_id": both, "tag_id": 1},
                                                    {"lead_id": both, "tag_id": 2},
                                                    {"lead_id": second, "tag_id": 2}])
            db.session.commit()
            upgrade()
            keys = db.session.execute(select(column("id"), column("key")).select_from(table("tags"))
                                      .order_by(column("id"))).all()
            assert [tuple(row) for row in keys] == [(1, "điện tử"), (3, "korea desk")]
            assert sorted(tuple(row) for row in db.session.execute(select(lead_tags.c.lead_id, lead_tags.c.tag_id))) \
                == sorted([(both, 1), (second, 1)])
            db.session.remove()
            db.engine.dispose()


def test_stored_reply_templates_open_with_the_addressee_unless_staff_rewrote_the_opening(tmp_path):
    templates = table("reply_templates", column("purpose"), column("lang"), column("body"))
    rewritten = "안녕하세요, {investor_name} 님.\n\n본문"
    with temporary_database(tmp_path) as url:
        app = make_app(url, tmp_path / "instance")
        with app.app_context():
            upgrade(revision="b3d8f1a6c2e9")
            db.session.execute(templates.update().where(templates.c.purpose == "documents", templates.c.lang == "ko")
                               .values(body=rewritten))
            db.session.commit()

            def openings():
                return {(row.purpose, row.lang): row.body.split("\n")[0]
                        for row in db.session.execute(select(templates.c.purpose, templates.c.lang, templates.c.body))}

            before = openings()
            assert before[("first_answer", "ja")] == "{investor_name} 様"
            upgrade()
            after = openings()
            assert after[("documents", "ko")] == "안녕하세요, {investor_name} 님."
            assert {key: line for key, line in after.items() if key != ("documents", "ko")} \
                == {key: "{addressee}" for key in before if key != ("documents", "ko")}
            downgrade(revision="b3d8f1a6c2e9")
            assert openings() == before
            db.session.remove()
            db.engine.dispose()
