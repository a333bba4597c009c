"""Column sets shared by models of several features."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String, func
from sqlalchemy.orm import Mapped, mapped_column


class NamedInFourLanguages:
    """Small reference data whose name must exist in every portal language."""

    name_vi: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    name_ko: Mapped[str] = mapped_column(String(120))
    name_ja: Mapped[str] = mapped_column(String(120))

    def name(self, lang: str) -> str:
        return getattr(self, f"name_{lang}", None) or self.name_en

    @property
    def all_names(self) -> list[str]:
        return [self.name_vi, self.name_en, self.name_ko, self.name_ja]


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
