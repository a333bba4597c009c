"""Reading what a visitor sees in a rendered page."""
import re


def card_titles(html: str) -> list[str]:
    """The titles of the project or park cards, in page order."""
    return re.findall(r'<h3 class="card-title"[^>]*><a href="[^"]+">([^<]+)</a>', html)
