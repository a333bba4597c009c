"""The small rules behind search and multilingual content."""
import pytest

from portal.i18n import pick_translation
from portal.search_text import fold


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Bình Dương", "binh duong"),
        ("ĐẠI ĐĂNG  Industrial\tPark", "dai dang industrial park"),
        ("Khu công nghiệp Mỹ Phước", "khu cong nghiep my phuoc"),
        ("반도체 패키징", "반도체 패키징"),
        ("ガラス基板 が", "ガラス基板 が"),  # Japanese voicing marks are letters, not accents
        ("", ""),
        (None, ""),
    ],
)
def test_fold_removes_latin_accents_and_case_only(text, folded):
    assert fold(text) == folded


def test_pick_translation_prefers_reader_then_english_then_vietnamese():
    texts = {"vi": "Tiếng Việt", "en": "English", "ja": "日本語"}
    assert pick_translation(texts, "ja").text == "日本語"
    assert not pick_translation(texts, "ja").is_fallback
    chosen = pick_translation(texts, "ko")
    assert (chosen.text, chosen.lang, chosen.is_fallback) == ("English", "en", True)
    assert pick_translation({"vi": "Tiếng Việt", "ja": "日本語"}, "ko").lang == "vi"
    assert pick_translation({"ja": "日本語"}, "ko").lang == "ja"
    assert pick_translation({}, "ko") is None
