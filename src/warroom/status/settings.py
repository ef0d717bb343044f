"""The status page's branding: name, logo, links, support URL, and whether exercises get a preview."""

from __future__ import annotations

from collections.abc import Sequence

from warroom.context import Ctx
from warroom.errors import Invalid
from warroom.status.components import bump_generation
from warroom.status.models import StatusPageSettings

MAX_LINKS = 10


def _url(value: str, field: str) -> str:
    text = value.strip()
    if text and (not text.startswith(("https://", "http://")) or len(text) > 2000 or any(c.isspace() for c in text)):
        raise Invalid(f"{field} must be an http(s) URL of at most 2000 characters", {"field": field})
    return text


def save_page_settings(
    ctx: Ctx,
    *,
    name: str,
    logo_url: str = "",
    support_url: str = "",
    links: Sequence[tuple[str, str]] = (),
    preview_exercises: bool = True,
) -> StatusPageSettings:
    """Change the page's branding (admins)."""
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > 200:
        raise Invalid("the page name must be 1 to 200 characters", {"field": "name"})
    if len(links) > MAX_LINKS:
        raise Invalid(f"at most {MAX_LINKS} header links", {"field": "links"})
    clean_links = []
    for label, url in links:
        label = " ".join(label.split())
        if not label or len(label) > 60:
            raise Invalid("each link needs a label of 1 to 60 characters", {"field": "links"})
        clean_links.append({"label": label, "url": _url(url, "links") or "#"})
    row = ctx.session.get(StatusPageSettings, 1)
    if row is None:
        row = StatusPageSettings(id=1, updated_at=ctx.now())
        ctx.session.add(row)
    row.name = cleaned
    row.logo_url = _url(logo_url, "logo_url")
    row.support_url = _url(support_url, "support_url")
    row.links = clean_links
    row.preview_exercises = preview_exercises
    row.updated_at = ctx.now()
    ctx.session.flush()
    bump_generation(ctx.session, ctx.now())
    return row
