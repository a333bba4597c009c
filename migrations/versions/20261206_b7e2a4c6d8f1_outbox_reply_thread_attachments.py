"""Mail written from a lead: its reply address, the thread it answers and the brochures it attaches
(MediaFile ids; the files are read when sending); reply templates in four languages, with the
default texts (a frozen copy of portal.leads.correspondence.defaults).

Revision ID: b7e2a4c6d8f1
Revises: 5e7a9c1d3b2f
Create Date: 2026-12-06 23:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e2a4c6d8f1'
down_revision = '5e7a9c1d3b2f'
branch_labels = None
depends_on = None


ROWS = [('first_answer',
  'en',
  'Your inquiry {reference}: {interests}',
  'Dear {investor_name},\n'
  '\n'
  'Thank you for your interest in {interests}. I am {officer_name}, the officer in charge of your inquiry at the '
  'investment promotion centre, and I will be glad to help {company} at every step.\n'
  '\n'
  'Could we arrange a short call this week to understand your project better? Please let me know a time that suits '
  'you.\n'
  '\n'
  'Kind regards,\n'
  '{officer_name}\n'
  '{officer_email}'),
 ('first_answer',
  'vi',
  'Yêu cầu tư vấn {reference}: {interests}',
  'Kính gửi {investor_name},\n'
  '\n'
  'Cảm ơn Quý vị đã quan tâm đến {interests}. Tôi là {officer_name}, cán bộ phụ trách yêu cầu của Quý vị tại Trung '
  'tâm Xúc tiến Đầu tư, và rất sẵn lòng hỗ trợ {company} trong từng bước.\n'
  '\n'
  'Quý vị có thể dành một cuộc gọi ngắn trong tuần này để chúng tôi hiểu rõ hơn về dự án không? Xin vui lòng cho tôi '
  'biết thời gian thuận tiện.\n'
  '\n'
  'Trân trọng,\n'
  '{officer_name}\n'
  '{officer_email}'),
 ('first_answer',
  'ko',
  '문의 {reference}: {interests}',
  '{investor_name} 님께,\n'
  '\n'
  '{interests}에 관심을 가져 주셔서 감사합니다. 저는 투자진흥센터에서 귀하의 문의를 담당하는 {officer_name}입니다. {company}의 모든 단계를 기꺼이 지원하겠습니다.\n'
  '\n'
  '프로젝트를 더 잘 이해할 수 있도록 이번 주에 짧은 통화를 하실 수 있는지요? 편하신 시간을 알려 주십시오.\n'
  '\n'
  '감사합니다.\n'
  '{officer_name}\n'
  '{officer_email}'),
 ('first_answer',
  'ja',
  'お問い合わせ {reference}：{interests}',
  '{investor_name} 様\n'
  '\n'
  '{interests}にご関心をお寄せいただき、ありがとうございます。投資促進センターで貴社のお問い合わせを担当いたします{officer_name}です。{company}のご検討を各段階でお手伝いいたします。\n'
  '\n'
  '計画をより詳しく伺うため、今週中に短いお電話のお時間をいただけますでしょうか。ご都合のよい日時をお知らせください。\n'
  '\n'
  'よろしくお願いいたします。\n'
  '{officer_name}\n'
  '{officer_email}'),
 ('ask_details',
  'en',
  'A few questions about your project ({reference})',
  'Dear {investor_name},\n'
  '\n'
  'To propose the right sites for {company}, could you tell us:\n'
  '- the land or floor area you need,\n'
  '- the power and water your production uses,\n'
  '- your expected investment and timeline?\n'
  '\n'
  'Kind regards,\n'
  '{officer_name}\n'
  '{officer_email}'),
 ('ask_details',
  'vi',
  'Một vài câu hỏi về dự án của Quý vị ({reference})',
  'Kính gửi {investor_name},\n'
  '\n'
  'Để đề xuất địa điểm phù hợp cho {company}, Quý vị vui lòng cho chúng tôi biết:\n'
  '- diện tích đất hoặc nhà xưởng cần thuê,\n'
  '- nhu cầu điện và nước cho sản xuất,\n'
  '- vốn đầu tư dự kiến và tiến độ?\n'
  '\n'
  'Trân trọng,\n'
  '{officer_name}\n'
  '{officer_email}'),
 ('ask_details',
  'ko',
  '프로젝트에 관한 몇 가지 질문 ({reference})',
  '{investor_name} 님께,\n'
  '\n'
  '{company}에 맞는 부지를 제안해 드리기 위해 다음을 알려 주십시오.\n'
  '- 필요한 토지 또는 공장 면적\n'
  '- 생산에 필요한 전력과 용수\n'
  '- 예상 투자 규모와 일정\n'
  '\n'
  '감사합니다.\n'
  '{officer_name}\n'
  '{officer_email}'),
 ('ask_details',
  'ja',
  'ご計画についてのご質問（{reference}）',
  '{investor_name} 様\n'
  '\n'
  '貴社に適した用地をご提案するため、次の点をお知らせいただけますでしょうか。\n'
  '・必要な土地または工場の面積\n'
  '・生産に必要な電力と用水\n'
  '・投資予定額とスケジュール\n'
  '\n'
  'よろしくお願いいたします。\n'
  '{officer_name}\n'
  '{officer_email}'),
 ('visit_confirmation',
  'en',
  'Your site visit is confirmed ({reference})',
  'Dear {investor_name},\n'
  '\n'
  'We are pleased to confirm your site visit to {interests}. I will send you the itinerary and meet your delegation '
  'on the day.\n'
  '\n'
  'Kind regards,\n'
  '{officer_name}\n'
  '{officer_email}'),
 ('visit_confirmation',
  'vi',
  'Xác nhận chuyến khảo sát thực địa ({reference})',
  'Kính gửi {investor_name},\n'
  '\n'
  'Chúng tôi xin xác nhận chuyến khảo sát thực địa của Quý vị tại {interests}. Tôi sẽ gửi lịch trình và đón đoàn vào '
  'ngày khảo sát.\n'
  '\n'
  'Trân trọng,\n'
  '{officer_name}\n'
  '{officer_email}'),
 ('visit_confirmation',
  'ko',
  '현장 방문이 확정되었습니다 ({reference})',
  '{investor_name} 님께,\n'
  '\n'
  '{interests} 현장 방문이 확정되었음을 알려 드립니다. 일정표를 보내 드리고 방문 당일 대표단을 맞이하겠습니다.\n'
  '\n'
  '감사합니다.\n'
  '{officer_name}\n'
  '{officer_email}'),
 ('visit_confirmation',
  'ja',
  '現地視察の確定のお知らせ（{reference}）',
  '{investor_name} 様\n'
  '\n'
  '{interests}への現地視察が確定しましたのでお知らせいたします。行程表をお送りし、当日は視察団をお迎えいたします。\n'
  '\n'
  'よろしくお願いいたします。\n'
  '{officer_name}\n'
  '{officer_email}'),
 ('documents',
  'en',
  'The documents you asked for ({reference})',
  'Dear {investor_name},\n'
  '\n'
  'Please find attached the brochures about {interests}. I will be happy to answer any question they raise.\n'
  '\n'
  'Kind regards,\n'
  '{officer_name}\n'
  '{officer_email}'),
 ('documents',
  'vi',
  'Tài liệu Quý vị yêu cầu ({reference})',
  'Kính gửi {investor_name},\n'
  '\n'
  'Xin gửi kèm tài liệu giới thiệu về {interests}. Tôi sẵn lòng giải đáp mọi câu hỏi của Quý vị.\n'
  '\n'
  'Trân trọng,\n'
  '{officer_name}\n'
  '{officer_email}'),
 ('documents',
  'ko',
  '요청하신 자료를 보내 드립니다 ({reference})',
  '{investor_name} 님께,\n'
  '\n'
  '{interests}에 관한 안내 자료를 첨부합니다. 궁금하신 점이 있으면 언제든지 문의해 주십시오.\n'
  '\n'
  '감사합니다.\n'
  '{officer_name}\n'
  '{officer_email}'),
 ('documents',
  'ja',
  'ご依頼の資料をお送りします（{reference}）',
  '{investor_name} 様\n'
  '\n'
  '{interests}に関するパンフレットを添付いたします。ご不明な点がございましたら、お気軽にお問い合わせください。\n'
  '\n'
  'よろしくお願いいたします。\n'
  '{officer_name}\n'
  '{officer_email}'),
 ('after_visit',
  'en',
  'Thank you for your visit ({reference})',
  'Dear {investor_name},\n'
  '\n'
  'Thank you for visiting {interests} with us. I hope the visit answered your questions; please tell me what '
  '{company} needs next and I will prepare it.\n'
  '\n'
  'Kind regards,\n'
  '{officer_name}\n'
  '{officer_email}'),
 ('after_visit',
  'vi',
  'Cảm ơn Quý vị đã đến khảo sát ({reference})',
  'Kính gửi {investor_name},\n'
  '\n'
  'Cảm ơn Quý vị đã cùng chúng tôi khảo sát {interests}. Mong rằng chuyến đi đã giải đáp các câu hỏi của Quý vị; xin '
  'cho tôi biết {company} cần gì tiếp theo để tôi chuẩn bị.\n'
  '\n'
  'Trân trọng,\n'
  '{officer_name}\n'
  '{officer_email}'),
 ('after_visit',
  'ko',
  '방문해 주셔서 감사합니다 ({reference})',
  '{investor_name} 님께,\n'
  '\n'
  '{interests} 현장을 함께 방문해 주셔서 감사합니다. 궁금하신 점이 해결되었기를 바랍니다. {company}에 다음으로 필요한 것을 알려 주시면 준비하겠습니다.\n'
  '\n'
  '감사합니다.\n'
  '{officer_name}\n'
  '{officer_email}'),
 ('after_visit',
  'ja',
  'ご視察ありがとうございました（{reference}）',
  '{investor_name} 様\n'
  '\n'
  '{interests}をご視察いただき、ありがとうございました。ご質問にお答えできていれば幸いです。貴社が次に必要とされるものをお知らせいただければ、準備いたします。\n'
  '\n'
  'よろしくお願いいたします。\n'
  '{officer_name}\n'
  '{officer_email}'),
 ('after_registration',
  'en',
  'Congratulations on your investment registration ({reference})',
  'Dear {investor_name},\n'
  '\n'
  'Congratulations to {company} on the investment registration certificate. The centre stays at your side while you '
  'build and start production: write to me whenever you need help.\n'
  '\n'
  'Kind regards,\n'
  '{officer_name}\n'
  '{officer_email}'),
 ('after_registration',
  'vi',
  'Chúc mừng Quý vị nhận giấy chứng nhận đăng ký đầu tư ({reference})',
  'Kính gửi {investor_name},\n'
  '\n'
  'Xin chúc mừng {company} đã nhận giấy chứng nhận đăng ký đầu tư. Trung tâm luôn đồng hành cùng Quý vị trong quá '
  'trình xây dựng và đi vào sản xuất: xin liên hệ với tôi bất cứ khi nào cần hỗ trợ.\n'
  '\n'
  'Trân trọng,\n'
  '{officer_name}\n'
  '{officer_email}'),
 ('after_registration',
  'ko',
  '투자등록증명서 취득을 축하드립니다 ({reference})',
  '{investor_name} 님께,\n'
  '\n'
  '{company}의 투자등록증명서 취득을 축하드립니다. 센터는 건설과 생산 개시까지 함께합니다. 도움이 필요하시면 언제든지 연락해 주십시오.\n'
  '\n'
  '감사합니다.\n'
  '{officer_name}\n'
  '{officer_email}'),
 ('after_registration',
  'ja',
  '投資登録証明書のご取得おめでとうございます（{reference}）',
  '{investor_name} 様\n'
  '\n'
  '貴社の投資登録証明書のご取得、誠におめでとうございます。建設から生産開始まで、センターが引き続きお手伝いいたします。お困りの際はいつでもご連絡ください。\n'
  '\n'
  'よろしくお願いいたします。\n'
  '{officer_name}\n'
  '{officer_email}')]


def upgrade():
    templates = op.create_table(
        'reply_templates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('purpose', sa.String(length=30), nullable=False),
        sa.Column('lang', sa.String(length=5), nullable=False),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('purpose', 'lang'),
    )
    op.bulk_insert(templates, [{"purpose": purpose, "lang": lang, "subject": subject, "body": body}
                               for purpose, lang, subject, body in ROWS])
    with op.batch_alter_table('outbox') as batch_op:
        batch_op.add_column(sa.Column('reply_to', sa.String(length=254), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('thread', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('attachments', sa.JSON(), nullable=True))


def downgrade():
    op.drop_table('reply_templates')
    # Not in batch mode: SQLite drops a column in place (3.35+), without reflecting the leads table
    for column in ('attachments', 'thread', 'reply_to'):
        op.drop_column('outbox', column)
