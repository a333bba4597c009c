"""The reply templates a new installation starts with, in four languages. The migration inserts a
frozen copy; ``seed_default_reply_templates`` restores them (tests empty the database after each test)."""
from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.leads.models import ReplyTemplate

#: Added with the follow-ups (migration ``c9e4a2f7b1d5``).
FOLLOW_UP_TEMPLATES = [
    ("follow_up", "en", "Following up on your inquiry ({reference})",
     "{addressee}\n\nI am writing to follow up on my last message about {interests}. Have you had a "
     "chance to consider it? I will be glad to answer your questions, send more information or arrange a call or "
     "a site visit for {company}.\n\nKind regards,\n{officer_name}\n{officer_email}"),
    ("follow_up", "vi", "Tiếp nối yêu cầu tư vấn của Quý vị ({reference})",
     "{addressee}\n\nTôi xin viết thư tiếp nối thư trước về {interests}. Quý vị đã có thời gian "
     "xem xét chưa? Tôi rất sẵn lòng giải đáp các câu hỏi, gửi thêm thông tin hoặc sắp xếp một cuộc gọi hay chuyến "
     "khảo sát thực địa cho {company}.\n\nTrân trọng,\n{officer_name}\n{officer_email}"),
    ("follow_up", "ko", "문의 관련 후속 연락 ({reference})",
     "{addressee}\n\n{interests}에 관해 지난번 보내 드린 메시지와 관련하여 다시 연락드립니다. 검토해 보실 "
     "시간이 있으셨는지요? 궁금하신 점에 답변드리고, 추가 자료를 보내 드리거나 통화 또는 현장 방문 일정을 기꺼이 "
     "마련하겠습니다.\n\n감사합니다.\n{officer_name}\n{officer_email}"),
    ("follow_up", "ja", "お問い合わせについてのご連絡（{reference}）",
     "{addressee}\n\n先日お送りした{interests}に関するご連絡の件で、改めてご連絡いたしました。ご検討いただけ"
     "ましたでしょうか。ご質問へのご回答、追加資料のご送付、お電話や現地視察の手配など、貴社のご検討をお手伝いいたします。"
     "\n\nよろしくお願いいたします。\n{officer_name}\n{officer_email}"),
]

# purpose, lang, subject, body
DEFAULT_REPLY_TEMPLATES = [
    ("first_answer", "en", "Your inquiry {reference}: {interests}",
     "{addressee}\n\nThank you for your interest in {interests}. I am {officer_name}, the officer in charge "
     "of your inquiry at the investment promotion centre, and I will be glad to help {company} at every step.\n\n"
     "Could we arrange a short call this week to understand your project better? Please let me know a time that "
     "suits you.\n\nKind regards,\n{officer_name}\n{officer_email}"),
    ("first_answer", "vi", "Yêu cầu tư vấn {reference}: {interests}",
     "{addressee}\n\nCảm ơn Quý vị đã quan tâm đến {interests}. Tôi là {officer_name}, cán bộ phụ "
     "trách yêu cầu của Quý vị tại Trung tâm Xúc tiến Đầu tư, và rất sẵn lòng hỗ trợ {company} trong từng bước.\n\n"
     "Quý vị có thể dành một cuộc gọi ngắn trong tuần này để chúng tôi hiểu rõ hơn về dự án không? Xin vui lòng "
     "cho tôi biết thời gian thuận tiện.\n\nTrân trọng,\n{officer_name}\n{officer_email}"),
    ("first_answer", "ko", "문의 {reference}: {interests}",
     "{addressee}\n\n{interests}에 관심을 가져 주셔서 감사합니다. 저는 투자진흥센터에서 귀하의 문의를 담당하는 "
     "{officer_name}입니다. {company}의 모든 단계를 기꺼이 지원하겠습니다.\n\n프로젝트를 더 잘 이해할 수 있도록 이번 주에 "
     "짧은 통화를 하실 수 있는지요? 편하신 시간을 알려 주십시오.\n\n감사합니다.\n{officer_name}\n{officer_email}"),
    ("first_answer", "ja", "お問い合わせ {reference}：{interests}",
     "{addressee}\n\n{interests}にご関心をお寄せいただき、ありがとうございます。投資促進センターで貴社のお問い合わせを"
     "担当いたします{officer_name}です。{company}のご検討を各段階でお手伝いいたします。\n\n計画をより詳しく伺うため、"
     "今週中に短いお電話のお時間をいただけますでしょうか。ご都合のよい日時をお知らせください。\n\nよろしくお願いいたします。\n"
     "{officer_name}\n{officer_email}"),
    ("ask_details", "en", "A few questions about your project ({reference})",
     "{addressee}\n\nTo propose the right sites for {company}, could you tell us:\n- the land or floor "
     "area you need,\n- the power and water your production uses,\n- your expected investment and timeline?\n\n"
     "Kind regards,\n{officer_name}\n{officer_email}"),
    ("ask_details", "vi", "Một vài câu hỏi về dự án của Quý vị ({reference})",
     "{addressee}\n\nĐể đề xuất địa điểm phù hợp cho {company}, Quý vị vui lòng cho chúng tôi biết:\n"
     "- diện tích đất hoặc nhà xưởng cần thuê,\n- nhu cầu điện và nước cho sản xuất,\n- vốn đầu tư dự kiến và tiến "
     "độ?\n\nTrân trọng,\n{officer_name}\n{officer_email}"),
    ("ask_details", "ko", "프로젝트에 관한 몇 가지 질문 ({reference})",
     "{addressee}\n\n{company}에 맞는 부지를 제안해 드리기 위해 다음을 알려 주십시오.\n- 필요한 토지 또는 "
     "공장 면적\n- 생산에 필요한 전력과 용수\n- 예상 투자 규모와 일정\n\n감사합니다.\n{officer_name}\n{officer_email}"),
    ("ask_details", "ja", "ご計画についてのご質問（{reference}）",
     "{addressee}\n\n貴社に適した用地をご提案するため、次の点をお知らせいただけますでしょうか。\n・必要な土地または"
     "工場の面積\n・生産に必要な電力と用水\n・投資予定額とスケジュール\n\nよろしくお願いいたします。\n{officer_name}\n"
     "{officer_email}"),
    ("visit_confirmation", "en", "Your site visit is confirmed ({reference})",
     "{addressee}\n\nWe are pleased to confirm your site visit to {interests}. I will send you the "
     "itinerary and meet your delegation on the day.\n\nKind regards,\n{officer_name}\n{officer_email}"),
    ("visit_confirmation", "vi", "Xác nhận chuyến khảo sát thực địa ({reference})",
     "{addressee}\n\nChúng tôi xin xác nhận chuyến khảo sát thực địa của Quý vị tại {interests}. Tôi "
     "sẽ gửi lịch trình và đón đoàn vào ngày khảo sát.\n\nTrân trọng,\n{officer_name}\n{officer_email}"),
    ("visit_confirmation", "ko", "현장 방문이 확정되었습니다 ({reference})",
     "{addressee}\n\n{interests} 현장 방문이 확정되었음을 알려 드립니다. 일정표를 보내 드리고 방문 당일 "
     "대표단을 맞이하겠습니다.\n\n감사합니다.\n{officer_name}\n{officer_email}"),
    ("visit_confirmation", "ja", "現地視察の確定のお知らせ（{reference}）",
     "{addressee}\n\n{interests}への現地視察が確定しましたのでお知らせいたします。行程表をお送りし、当日は"
     "視察団をお迎えいたします。\n\nよろしくお願いいたします。\n{officer_name}\n{officer_email}"),
    ("documents", "en", "The documents you asked for ({reference})",
     "{addressee}\n\nPlease find attached the brochures about {interests}. I will be happy to answer "
     "any question they raise.\n\nKind regards,\n{officer_name}\n{officer_email}"),
    ("documents", "vi", "Tài liệu Quý vị yêu cầu ({reference})",
     "{addressee}\n\nXin gửi kèm tài liệu giới thiệu về {interests}. Tôi sẵn lòng giải đáp mọi câu "
     "hỏi của Quý vị.\n\nTrân trọng,\n{officer_name}\n{officer_email}"),
    ("documents", "ko", "요청하신 자료를 보내 드립니다 ({reference})",
     "{addressee}\n\n{interests}에 관한 안내 자료를 첨부합니다. 궁금하신 점이 있으면 언제든지 문의해 "
     "주십시오.\n\n감사합니다.\n{officer_name}\n{officer_email}"),
    ("documents", "ja", "ご依頼の資料をお送りします（{reference}）",
     "{addressee}\n\n{interests}に関するパンフレットを添付いたします。ご不明な点がございましたら、お気軽に"
     "お問い合わせください。\n\nよろしくお願いいたします。\n{officer_name}\n{officer_email}"),
    ("after_visit", "en", "Thank you for your visit ({reference})",
     "{addressee}\n\nThank you for visiting {interests} with us. I hope the visit answered your "
     "questions; please tell me what {company} needs next and I will prepare it.\n\nKind regards,\n"
     "{officer_name}\n{officer_email}"),
    ("after_visit", "vi", "Cảm ơn Quý vị đã đến khảo sát ({reference})",
     "{addressee}\n\nCảm ơn Quý vị đã cùng chúng tôi khảo sát {interests}. Mong rằng chuyến đi đã "
     "giải đáp các câu hỏi của Quý vị; xin cho tôi biết {company} cần gì tiếp theo để tôi chuẩn bị.\n\nTrân trọng,"
     "\n{officer_name}\n{officer_email}"),
    ("after_visit", "ko", "방문해 주셔서 감사합니다 ({reference})",
     "{addressee}\n\n{interests} 현장을 함께 방문해 주셔서 감사합니다. 궁금하신 점이 해결되었기를 바랍니다. "
     "{company}에 다음으로 필요한 것을 알려 주시면 준비하겠습니다.\n\n감사합니다.\n{officer_name}\n{officer_email}"),
    ("after_visit", "ja", "ご視察ありがとうございました（{reference}）",
     "{addressee}\n\n{interests}をご視察いただき、ありがとうございました。ご質問にお答えできていれば幸いです。"
     "貴社が次に必要とされるものをお知らせいただければ、準備いたします。\n\nよろしくお願いいたします。\n{officer_name}\n"
     "{officer_email}"),
    ("after_registration", "en", "Congratulations on your investment registration ({reference})",
     "{addressee}\n\nCongratulations to {company} on the investment registration certificate. The centre "
     "stays at your side while you build and start production: write to me whenever you need help.\n\n"
     "Kind regards,\n{officer_name}\n{officer_email}"),
    ("after_registration", "vi", "Chúc mừng Quý vị nhận giấy chứng nhận đăng ký đầu tư ({reference})",
     "{addressee}\n\nXin chúc mừng {company} đã nhận giấy chứng nhận đăng ký đầu tư. Trung tâm luôn "
     "đồng hành cùng Quý vị trong quá trình xây dựng và đi vào sản xuất: xin liên hệ với tôi bất cứ khi nào cần hỗ "
     "trợ.\n\nTrân trọng,\n{officer_name}\n{officer_email}"),
    ("after_registration", "ko", "투자등록증명서 취득을 축하드립니다 ({reference})",
     "{addressee}\n\n{company}의 투자등록증명서 취득을 축하드립니다. 센터는 건설과 생산 개시까지 함께합니다. "
     "도움이 필요하시면 언제든지 연락해 주십시오.\n\n감사합니다.\n{officer_name}\n{officer_email}"),
    ("after_registration", "ja", "投資登録証明書のご取得おめでとうございます（{reference}）",
     "{addressee}\n\n貴社の投資登録証明書のご取得、誠におめでとうございます。建設から生産開始まで、センターが"
     "引き続きお手伝いいたします。お困りの際はいつでもご連絡ください。\n\nよろしくお願いいたします。\n{officer_name}\n"
     "{officer_email}"),
] + FOLLOW_UP_TEMPLATES


def reply_template_rows() -> list[dict]:
    return [{"purpose": purpose, "lang": lang, "subject": subject, "body": body}
            for purpose, lang, subject, body in DEFAULT_REPLY_TEMPLATES]


def seed_default_reply_templates() -> None:
    """The default templates, where missing."""
    existing = {tuple(row) for row in db.session.execute(select(ReplyTemplate.purpose, ReplyTemplate.lang))}
    db.session.add_all(ReplyTemplate(**row) for row in reply_template_rows()
                       if (row["purpose"], row["lang"]) not in existing)
    db.session.flush()
