"""Aftercare: investor companies, their contacts, registered projects, visits and leads.

Revision ID: a7c3e9f1b5d2
Revises: b3d8f1a6c4e2
Create Date: 2026-12-07 00:50:11.335849

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c3e9f1b5d2'
down_revision = 'b3d8f1a6c4e2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('companies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_latin', sa.String(length=200), nullable=False),
    sa.Column('name_key', sa.String(length=200), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('sector_id', sa.Integer(), nullable=True),
    sa.Column('parent_group', sa.String(length=200), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('visit_every_months', sa.Integer(), nullable=True),
    sa.Column('last_contact_on', sa.Date(), nullable=True),
    sa.Column('visit_due_on', sa.Date(), nullable=True),
    sa.Column('referrer_id', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_companies_owner_id_users')),
    sa.ForeignKeyConstraint(['referrer_id'], ['referrers.id'], name=op.f('fk_companies_referrer_id_referrers'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['sector_id'], ['sectors.id'], name=op.f('fk_companies_sector_id_sectors'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_companies')),
    sa.UniqueConstraint('referrer_id', name=op.f('uq_companies_referrer_id'))
    )
    with op.batch_alter_table('companies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_companies_country'), ['country'], unique=False)
        batch_op.create_index(batch_op.f('ix_companies_last_contact_on'), ['last_contact_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_companies_name_key'), ['name_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_companies_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_companies_sector_id'), ['sector_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_companies_visit_due_on'), ['visit_due_on'], unique=False)

    op.create_table('company_contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.String(length=120), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('email_normalized', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_company_contacts_company_id_companies'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_company_contacts'))
    )
    with op.batch_alter_table('company_contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_company_contacts_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_company_contacts_email_normalized'), ['email_normalized'], unique=False)

    op.create_table('company_leads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=False),
    sa.Column('relation', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_company_leads_company_id_companies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_company_leads_lead_id_leads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_company_leads')),
    sa.UniqueConstraint('lead_id', name=op.f('uq_company_leads_lead_id'))
    )
    with op.batch_alter_table('company_leads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_company_leads_company_id'), ['company_id'], unique=False)

    op.create_table('company_visits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('visited_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('attendees', sa.String(length=500), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('follow_up', sa.String(length=500), nullable=False),
    sa.Column('follow_up_due', sa.Date(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_company_visits_company_id_companies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_company_visits_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_company_visits'))
    )
    with op.batch_alter_table('company_visits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_company_visits_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_company_visits_follow_up_due'), ['follow_up_due'], unique=False)
        batch_op.create_index(batch_op.f('ix_company_visits_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_company_visits_visited_on'), ['visited_on'], unique=False)

    op.create_table('registered_projects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('park_id', sa.Integer(), nullable=True),
    sa.Column('registered_capital_usd', sa.BigInteger(), nullable=True),
    sa.Column('jobs', sa.Integer(), nullable=True),
    sa.Column('certificate_number', sa.String(length=60), nullable=False),
    sa.Column('certificate_date', sa.Date(), nullable=True),
    sa.Column('incentive_ends_on', sa.Date(), nullable=True),
    sa.Column('land_lease_ends_on', sa.Date(), nullable=True),
    sa.Column('lead_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_registered_projects_company_id_companies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_registered_projects_lead_id_leads'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['park_id'], ['industrial_parks.id'], name=op.f('fk_registered_projects_park_id_industrial_parks'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registered_projects'))
    )
    with op.batch_alter_table('registered_projects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registered_projects_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_registered_projects_incentive_ends_on'), ['incentive_ends_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_registered_projects_land_lease_ends_on'), ['land_lease_ends_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_registered_projects_lead_id'), ['lead_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_registered_projects_park_id'), ['park_id'], unique=False)



def downgrade():
    with op.batch_alter_table('registered_projects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registered_projects_park_id'))
        batch_op.drop_index(batch_op.f('ix_registered_projects_lead_id'))
        batch_op.drop_index(batch_op.f('ix_registered_projects_land_lease_ends_on'))
        batch_op.drop_index(batch_op.f('ix_registered_projects_incentive_ends_on'))
        batch_op.drop_index(batch_op.f('ix_registered_projects_company_id'))

    op.drop_table('registered_projects')
    with op.batch_alter_table('company_visits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_company_visits_visited_on'))
        batch_op.drop_index(batch_op.f('ix_company_visits_user_id'))
        batch_op.drop_index(batch_op.f('ix_company_visits_follow_up_due'))
        batch_op.drop_index(batch_op.f('ix_company_visits_company_id'))

    op.drop_table('company_visits')
    with op.batch_alter_table('company_leads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_company_leads_company_id'))

    op.drop_table('company_leads')
    with op.batch_alter_table('company_contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_company_contacts_email_normalized'))
        batch_op.drop_index(batch_op.f('ix_company_contacts_company_id'))

    op.drop_table('company_contacts')
    with op.batch_alter_table('companies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_companies_visit_due_on'))
        batch_op.drop_index(batch_op.f('ix_companies_sector_id'))
        batch_op.drop_index(batch_op.f('ix_companies_owner_id'))
        batch_op.drop_index(batch_op.f('ix_companies_name_key'))
        batch_op.drop_index(batch_op.f('ix_companies_last_contact_on'))
        batch_op.drop_index(batch_op.f('ix_companies_country'))

    op.drop_table('companies')
