"""Follow-ups: the automatic follow-up task after the first answer, and follow-up e-mails scheduled
for later (an outbox row sent at its time, unless the investor replies first).

Revision ID: c9e4a2f7b1d5
Revises: a7c3e9f1b5d2
Create Date: 2026-12-07 01:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c9e4a2f7b1d5'
down_revision = 'a7c3e9f1b5d2'
branch_labels = None
depends_on = None


#: The default follow-up reply templates, a frozen copy of portal/leads/correspondence/defaults.py.
ROWS = [
    ('follow_up', 'en', 'Following up on your inquiry ({reference})',
     'Dear {investor_name},\n\nI am writing to follow up on my last '
     'message about {interests}. Have you had a chance to consider'
     ' it? I will be glad to answer your questions, send more info'
     'rmation or arrange a call or a site visit for {company}.\n\nKi'
     'nd regards,\n{officer_name}\n{officer_email}'),
    ('follow_up', 'vi', 'Tiếp nối yêu cầu tư vấn của Quý vị ({reference})',
     'Kính gửi {investor_name},\n\nTôi xin viết thư tiếp nối thư trư'
     'ớc về {interests}. Quý vị đã có thời gian xem xét chưa? Tôi '
     'rất sẵn lòng giải đáp các câu hỏi, gửi thêm thông tin hoặc s'
     'ắp xếp một cuộc gọi hay chuyến khảo sát thực địa cho {compan'
     'y}.\n\nTrân trọng,\n{officer_name}\n{officer_email}'),
    ('follow_up', 'ko', '문의 관련 후속 연락 ({reference})',
     '{investor_name} 님께,\n\n{interests}에 관해 지난번 보내 드린 메시지와 관련하여 다시 '
     '연락드립니다. 검토해 보실 시간이 있으셨는지요? 궁금하신 점에 답변드리고, 추가 자료를 보내 드리거나 통화 '
     '또는 현장 방문 일정을 기꺼이 마련하겠습니다.\n\n감사합니다.\n{officer_name}\n{officer_em'
     'ail}'),
    ('follow_up', 'ja', 'お問い合わせについてのご連絡（{reference}）',
     '{investor_name} 様\n\n先日お送りした{interests}に関するご連絡の件で、改めてご連絡いたしました'
     '。ご検討いただけましたでしょうか。ご質問へのご回答、追加資料のご送付、お電話や現地視察の手配など、貴社のご検討をお手伝い'
     'いたします。\n\nよろしくお願いいたします。\n{officer_name}\n{officer_email}'),
]


def upgrade():
    op.create_table(
        'scheduled_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('lead_id', sa.Integer(), nullable=False),
        sa.Column('outbox_id', sa.Integer(), nullable=False),
        sa.Column('send_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('template', sa.String(length=30), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'),
                  nullable=False),
        sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('cancelled_because', sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_scheduled_messages_created_by_id_users')),
        sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_scheduled_messages_lead_id_leads'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['outbox_id'], ['outbox.id'], name=op.f('fk_scheduled_messages_outbox_id_outbox'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_scheduled_messages')),
        sa.UniqueConstraint('outbox_id', name=op.f('uq_scheduled_messages_outbox_id')),
    )
    op.create_index(op.f('ix_scheduled_messages_lead_id'), 'scheduled_messages', ['lead_id'], unique=False)
    # Not in batch mode: SQLite adds (and drops) a column in place
    op.add_column('tasks', sa.Column('follow_up', sa.Boolean(), nullable=False, server_default=sa.false()))
    templates = sa.table('reply_templates', sa.column('purpose', sa.String), sa.column('lang', sa.String),
                         sa.column('subject', sa.String), sa.column('body', sa.Text))
    op.bulk_insert(templates, [{"purpose": purpose, "lang": lang, "subject": subject, "body": body}
                               for purpose, lang, subject, body in ROWS])


def downgrade():
    op.execute("DELETE FROM reply_templates WHERE purpose = 'follow_up'")
    op.drop_column('tasks', 'follow_up')
    op.drop_index(op.f('ix_scheduled_messages_lead_id'), table_name='scheduled_messages')
    op.drop_table('scheduled_messages')
