"""The region and its promotion centre: configuration read from a TOML file, never code."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from flask import Flask, current_app

from portal.i18n import LocalizedText, pick_translation

DEFAULT_PROFILE = Path(__file__).with_name("region.toml")


@dataclass(frozen=True)
class Source:
    """An article a section's facts come from, cited as published (its title in its own language)."""

    title: str = ""
    publisher: str = ""
    author: str = ""
    #: The date of publication, or only its year when the article says no more.
    published: date | int | None = None
    url: str = ""
    lang: str = "vi"


@dataclass(frozen=True)
class SectionText:
    """One language's version of a section: paragraphs separated by blank lines, optional bullet points."""

    heading: str
    body: str
    points: tuple[str, ...] = ()


@dataclass(frozen=True)
class WhyInvestSection:
    key: str
    texts: dict[str, SectionText]
    sources: tuple[Source, ...] = ()

    def text(self, lang: str) -> LocalizedText:
        """The reader's language, else English, else Vietnamese (heading, body and points together)."""
        return pick_translation(self.texts, lang)


@dataclass(frozen=True)
class WhyInvestPage:
    """The "Why invest here" page: an introduction and ordered sections, each with its sources."""

    sections: tuple[WhyInvestSection, ...]
    intros: dict[str, str] = field(default_factory=dict)

    def intro(self, lang: str) -> LocalizedText | None:
        return pick_translation(self.intros, lang)


@dataclass(frozen=True)
class RegionProfile:
    names: dict[str, str]
    short_names: dict[str, str]
    centre_names: dict[str, str]
    centre_addresses: dict[str, str] = field(default_factory=dict)
    email: str = ""
    phone: str = ""
    #: None when the profile has no ``[why_invest]`` sections: the page then does not exist.
    why_invest: WhyInvestPage | None = None

    def name(self, lang: str) -> str:
        return pick_translation(self.names, lang).text

    def short_name(self, lang: str) -> str:
        return pick_translation(self.short_names, lang).text

    def centre_name(self, lang: str) -> str:
        return pick_translation(self.centre_names, lang).text

    def centre_address(self, lang: str) -> str:
        found = pick_translation(self.centre_addresses, lang)
        return found.text if found else ""


def load_profile(path: str | Path) -> RegionProfile:
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    region, centre = data["region"], data["centre"]
    return RegionProfile(
        names=region["name"],
        short_names=region.get("short_name", region["name"]),
        centre_names=centre["name"],
        centre_addresses=centre.get("address", {}),
        email=centre.get("email", ""),
        phone=centre.get("phone", ""),
        why_invest=_why_invest(data.get("why_invest", {})),
    )


# --- the "Why invest here" page ---------------------------------------------------------

_KEY = re.compile(r"[a-z][a-z0-9-]*")


def _why_invest(data: dict) -> WhyInvestPage | None:
    sections = data.get("sections", [])
    if not sections:
        return None
    parsed = tuple(_section(number, section) for number, section in enumerate(sections, start=1))
    keys = [section.key for section in parsed]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    if duplicates:
        raise ValueError(f"why_invest: two sections share the key {', '.join(duplicates)}")
    return WhyInvestPage(sections=parsed, intros=dict(data.get("intro", {})))


def _section(number: int, data: dict) -> WhyInvestSection:
    key = data.get("key", f"section-{number}")
    if not _KEY.fullmatch(key):
        raise ValueError(f"why_invest section {number}: key {key!r} must be lower-case letters, digits and hyphens")
    headings, bodies, points = data.get("heading", {}), data.get("body", {}), data.get("points", {})
    texts = {
        lang: SectionText(heading=headings[lang], body=bodies[lang], points=tuple(points.get(lang, ())))
        for lang in headings
        if lang in bodies
    }
    if not texts:
        raise ValueError(f"why_invest section {key!r}: needs a heading and a body in at least one language")
    return WhyInvestSection(key=key, texts=texts, sources=tuple(_source(key, s) for s in data.get("sources", [])))


def _source(key: str, data: dict) -> Source:
    published = data.get("published")
    if published is not None and (isinstance(published, bool) or not isinstance(published, (date, int))):
        raise ValueError(f"why_invest section {key!r}: a source's published must be a date (2023-12-19) or a year")
    source = Source(title=data.get("title", ""), publisher=data.get("publisher", ""), author=data.get("author", ""),
                    published=published, url=data.get("url", ""), lang=data.get("lang", "vi"))
    if not (source.title or source.publisher or source.author):
        raise ValueError(f"why_invest section {key!r}: a source needs a title, a publisher or an author")
    return source


def init_app(app: Flask) -> None:
    app.extensions["region"] = load_profile(app.config["PORTAL_REGION_FILE"] or DEFAULT_PROFILE)

    @app.context_processor
    def inject_region() -> dict:
        return {"region": current_app.extensions["region"]}
