"""Working on a post-mortem together: reviewers and approvals, comments, timeline entries and marks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from warroom.auth import service as auth_service
from warroom.context import Ctx
from warroom.errors import Conflict, Invalid, NotFound
from warroom.incidents import service as incidents
from warroom.incidents.checks import clean_text, past_instant
from warroom.incidents.models import Incident
from warroom.review.models import Comment, ManualEntry, Postmortem, Reviewer
from warroom.review.postmortems import editable
from warroom.review.sections import MAX_SECTION, SECTIONS


def add_reviewer(ctx: Ctx, postmortem: Postmortem, *, user_id: int) -> Reviewer:
    """Ask a user to review; asking again keeps the first assignment."""
    user = auth_service.get_user(ctx, user_id)
    found = ctx.session.get(Reviewer, (postmortem.id, user.id))
    if found is not None:
        return found
    reviewer = Reviewer(postmortem_id=postmortem.id, user_id=user.id, assigned_at=ctx.now())
    ctx.session.add(reviewer)
    ctx.session.flush()
    return reviewer


def remove_reviewer(ctx: Ctx, postmortem: Postmortem, *, user_id: int) -> None:
    """Take a user off the review; their approval, if any, goes with them."""
    found = ctx.session.get(Reviewer, (postmortem.id, user_id))
    if found is None:
        raise NotFound(f"user {user_id} is not a reviewer of this post-mortem")
    ctx.session.delete(found)
    ctx.session.flush()


def approve(ctx: Ctx, postmortem: Postmortem) -> Reviewer:
    """The acting reviewer approves the post-mortem."""
    found = ctx.session.get(Reviewer, (postmortem.id, ctx.actor.user_id)) if ctx.actor.user_id else None
    if found is None:
        raise Conflict("only an assigned reviewer can approve; ask the author to add you as a reviewer")
    found.approved_at = found.approved_at or ctx.now()
    ctx.session.flush()
    return found


def reviewers(ctx: Ctx, postmortem: Postmortem) -> list[Reviewer]:
    if postmortem.id is None:
        return []
    query = select(Reviewer).where(Reviewer.postmortem_id == postmortem.id).order_by(Reviewer.assigned_at)
    return list(ctx.session.scalars(query))


def add_comment(ctx: Ctx, postmortem: Postmortem, *, body: str, section: str | None = None) -> Comment:
    """Keep a review comment, optionally about one section."""
    text = clean_text(body, field="body", label="the comment", max_length=MAX_SECTION, required=True)
    if section is not None and section not in SECTIONS:
        raise Invalid(f"unknown section {section!r}; use one of {', '.join(SECTIONS)}", {"field": "section"})
    comment = Comment(
        postmortem_id=postmortem.id,
        section=section,
        body=text,
        author_id=ctx.actor.user_id,
        author_name=ctx.actor.name[:200],
        created_at=ctx.now(),
    )
    ctx.session.add(comment)
    ctx.session.flush()
    return comment


def comments(ctx: Ctx, postmortem: Postmortem) -> list[Comment]:
    if postmortem.id is None:
        return []
    query = select(Comment).where(Comment.postmortem_id == postmortem.id).order_by(Comment.created_at, Comment.id)
    return list(ctx.session.scalars(query))


def add_entry(ctx: Ctx, postmortem: Postmortem, *, at: datetime, summary: str) -> ManualEntry:
    """Add a timeline entry after the fact (backdated, never in the future); it shows as added later."""
    editable(postmortem)
    when = past_instant(ctx, at, field="at")
    text = clean_text(summary, field="summary", label="the entry", max_length=2000, required=True)
    entry = ManualEntry(
        postmortem_id=postmortem.id,
        at=when,
        summary=text,
        author_id=ctx.actor.user_id,
        author_name=ctx.actor.name[:200],
        added_at=ctx.now(),
        starred=False,
        hidden=False,
    )
    ctx.session.add(entry)
    ctx.session.flush()
    return entry


def mark_entry(
    ctx: Ctx, incident: Incident, postmortem: Postmortem, *, key: str, starred: bool | None, hidden: bool | None
) -> None:
    """Star or hide one timeline entry ("event-12" or "manual-3")."""
    editable(postmortem)
    kind, _, number = key.partition("-")
    entry_id = int(number) if number.isdigit() and len(number) < 10 else 0
    if kind == "event":
        incidents.get_event(ctx, incident, entry_id)
        for flag, attr in ((starred, "starred_events"), (hidden, "hidden_events")):
            if flag is None:
                continue
            marked = [i for i in getattr(postmortem, attr) or [] if i != entry_id]
            setattr(postmortem, attr, sorted([*marked, entry_id]) if flag else marked)
    elif kind == "manual":
        entry = ctx.session.get(ManualEntry, entry_id) if entry_id else None
        if entry is None or entry.postmortem_id != postmortem.id:
            raise NotFound(f"timeline entry {key} is not part of this post-mortem")
        entry.starred = entry.starred if starred is None else starred
        entry.hidden = entry.hidden if hidden is None else hidden
    else:
        raise NotFound(f"timeline entry {key!r} does not exist; keys look like event-12 or manual-3")
    postmortem.updated_at = ctx.now()
    ctx.session.flush()
