"""The region and its promotion centre: configuration read from a TOML file, never code."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, current_app

from portal.i18n import pick_translation

DEFAULT_PROFILE = Path(__file__).with_name("region.toml")


@dataclass(frozen=True)
class RegionProfile:
    names: dict[str, str]
    short_names: dict[str, str]
    centre_names: dict[str, str]
    centre_addresses: dict[str, str] = field(default_factory=dict)
    email: str = ""
    phone: str = ""

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
    )


def init_app(app: Flask) -> None:
    app.extensions["region"] = load_profile(app.config["PORTAL_REGION_FILE"] or DEFAULT_PROFILE)

    @app.context_processor
    def inject_region() -> dict:
        return {"region": current_app.extensions["region"]}
