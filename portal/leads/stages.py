"""The default pipeline. The migration that creates the ``stages`` table inserts these rows;
``seed_default_stages`` restores them (tests empty the database after each test)."""
from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.leads.models import Stage

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


def stage_rows() -> list[dict]:
    return [
        {"code": code, "position": position, "probability": probability, "is_won": won, "is_lost": lost,
         "name_vi": vi, "name_en": en, "name_ko": ko, "name_ja": ja}
        for position, (code, probability, won, lost, vi, en, ko, ja) in enumerate(DEFAULT_STAGES)
    ]


def seed_default_stages() -> None:
    existing = set(db.session.scalars(select(Stage.code)))
    for row in stage_rows():
        if row["code"] not in existing:
            db.session.add(Stage(**row))
    db.session.commit()
