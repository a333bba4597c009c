"""The default pipeline and lost reasons. Migrations insert these rows (each a frozen copy);
``seed_default_stages`` restores them (tests empty the database after each test)."""
from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.leads.models import LostReason, Stage
from portal.leads.rules.stage_facts import Fact

NEW = "new"

DEFAULT_STAGES = [
    # code, probability, won, lost, vi, en, ko, ja
    ("new", 5, False, False, "Mới", "New", "신규", "新規"),
    ("contacted", 10, False, False, "Đã liên hệ", "Contacted", "연락 완료", "連絡済み"),
    ("qualified", 25, False, False, "Đủ điều kiện", "Qualified", "적격 확인", "適格確認済み"),
    ("site_visit", 40, False, False, "Khảo sát thực địa", "Site visit", "현장 방문", "現地視察"),
    ("negotiation", 60, False, False, "Đàm phán", "Negotiation", "협상", "交渉"),
    ("registered", 100, True, False, "Đã đăng ký đầu tư", "Registered", "투자 등록 완료", "投資登録済み"),
    ("lost", 0, False, True, "Không thành công", "Lost", "무산", "失注"),
]

#: What a lead needs before it enters a stage (see ``portal.leads.rules.stage_facts``).
DEFAULT_REQUIRED_FACTS = {
    "qualified": (Fact.SECTOR, Fact.ESTIMATED_INVESTMENT),
    "site_visit": (Fact.VISIT_DATE,),
    "registered": (Fact.REGISTERED_CAPITAL, Fact.EXPECTED_JOBS, Fact.CERTIFICATE_DATE),
    "lost": (Fact.LOST_REASON,),
}

DEFAULT_LOST_REASONS = [
    # code, vi, en, ko, ja
    ("other_location", "Chọn địa điểm khác", "Chose another location", "다른 지역 선택", "他の立地を選択"),
    ("no_financing", "Chưa thu xếp được vốn", "Financing not secured", "자금 조달 미확보", "資金調達のめどが立たず"),
    ("land_unsuitable", "Không có đất phù hợp", "No suitable land or factory", "적합한 부지·공장 없음",
     "適した用地・工場がない"),
    ("incentives", "Ưu đãi chưa đủ hấp dẫn", "Incentives not attractive enough", "인센티브 부족",
     "優遇措置が不十分"),
    ("project_cancelled", "Nhà đầu tư dừng dự án", "Investor cancelled the project", "투자자 프로젝트 취소",
     "投資家が計画を中止"),
    ("no_response", "Nhà đầu tư không phản hồi", "No response from the investor", "투자자 무응답",
     "投資家から応答なし"),
    ("other", "Lý do khác", "Other reason", "기타 사유", "その他の理由"),
]


def stage_rows() -> list[dict]:
    return [
        {"code": code, "position": position, "probability": probability, "is_won": won, "is_lost": lost,
         "name_vi": vi, "name_en": en, "name_ko": ko, "name_ja": ja,
         "required_facts": ",".join(DEFAULT_REQUIRED_FACTS.get(code, ()))}
        for position, (code, probability, won, lost, vi, en, ko, ja) in enumerate(DEFAULT_STAGES)
    ]


def lost_reason_rows() -> list[dict]:
    return [{"code": code, "position": position, "name_vi": vi, "name_en": en, "name_ko": ko, "name_ja": ja}
            for position, (code, vi, en, ko, ja) in enumerate(DEFAULT_LOST_REASONS)]


def seed_default_stages() -> None:
    """The default stages and lost reasons, where missing."""
    for model, rows in ((Stage, stage_rows()), (LostReason, lost_reason_rows())):
        existing = set(db.session.scalars(select(model.code)))
        db.session.add_all(model(**row) for row in rows if row["code"] not in existing)
    db.session.flush()
