"""Alembic builds the schema from an empty database, on SQLite and on PostgreSQL alike."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import column, inspect, select, table

from portal.extensions import db
from tests import factories
from tests.conftest import make_app, temporary_database


def test_upgrade_from_empty_matches_the_models_and_downgrades_cleanly(tmp_path):
    with temporary_database(tmp_path) as url:
        app = make_app(url, tmp_path / "instance")
        with app.app_context():
            upgrade()
            with db.engine.connect() as conn:
                assert compare_metadata(MigrationContext.configure(conn), db.metadata) == []
            downgrade(revision="base")
            assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
            db.engine.dispose()


def test_tags_differing_only_by_case_are_merged_when_tags_get_their_key(tmp_path):
    """Tags that only SQLite's ASCII-only ``lower()`` kept apart become one, keeping every lead's tag."""
    tags = table("tags", column("id"), column("name"))
    lead_tags = table("lead_tags", column("lead_id"), column("tag_id"))
    with temporary_database(tmp_path) as url:
        app = make_app(url, tmp_path / "instance")
        with app.app_context():
            upgrade(revision="9196e932e9ab")  # before tags had a key: SQLite's lower() let these through
            both, second = factories.lead("Both Co"), factories.lead("Second Co")
            db.session.execute(tags.insert(), [{"id": 1, "name": "Điện tử"}, {"id": 2, "name": "ĐIỆN TỬ"},
                                               {"id": 3, "name": "Korea desk"}])
            db.session.execute(lead_tags.insert(), [{"lead_id": both.id, "tag_id": 1},
                                                    {"lead_id": both.id, "tag_id": 2},
                                                    {"lead_id": second.id, "tag_id": 2}])
            db.session.commit()
            upgrade()
            keys = db.session.execute(select(column("id"), column("key")).select_from(table("tags"))
                                      .order_by(column("id"))).all()
            assert [tuple(row) for row in keys] == [(1, "điện tử"), (3, "korea desk")]
            assert sorted(tuple(row) for row in db.session.execute(select(lead_tags.c.lead_id, lead_tags.c.tag_id))) \
                == sorted([(both.id, 1), (second.id, 1)])
            db.session.remove()
            db.engine.dispose()
