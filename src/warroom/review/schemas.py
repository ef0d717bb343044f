"""Request and response bodies of the review API. Times are ISO 8601 (UTC without a zone)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from warroom.incidents.schemas import Id, Instant, Title, UtcTime
from warroom.lib.schema import Request, Response
from warroom.review.sections import MAX_SECTION

SectionKey = Literal[
    "summary",
    "impact",
    "detection",
    "response",
    "root_cause",
    "contributing_factors",
    "mitigation",
    "went_well",
    "went_wrong",
    "got_lucky",
    "debrief",
]
LintSection = SectionKey | Literal["action_items"]
PublicChoice = (
    Literal["summary", "impact", "detection", "response", "root_cause", "contributing_factors", "mitigation"]
    | Literal["went_well", "went_wrong", "got_lucky", "action_items"]
)
FactorCategory = Literal["technical", "process", "monitoring", "training"]
ActionType = Literal["detect", "mitigate", "prevent", "process", "training"]
Priority = Literal["high", "medium", "low"]
ActionStatus = Literal["open", "in_progress", "done", "wont_do"]
PostmortemStatus = Literal["draft", "in_review", "published"]
ShortText = Annotated[str, Field(max_length=2000)]
Tag = Annotated[str, Field(min_length=1, max_length=50)]
Url = Annotated[str, Field(max_length=2000)]


class Factor(Request):
    category: FactorCategory
    text: Annotated[str, Field(min_length=1, max_length=2000)]


class PostmortemPatch(Request):
    sections: (
        Annotated[dict[SectionKey, Annotated[str, Field(max_length=MAX_SECTION)]], Field(max_length=20)] | None
    ) = None
    public_sections: Annotated[list[PublicChoice], Field(max_length=20)] | None = None
    factors: Annotated[list[Factor], Field(max_length=50)] | None = None
    tags: Annotated[list[Tag], Field(max_length=20)] | None = None
    no_actions_reason: ShortText | None = None
    debrief_shared: bool | None = None


class StatusChange(Request):
    status: PostmortemStatus


class ReviewerAdd(Request):
    user_id: Id


class CommentCreate(Request):
    body: Annotated[str, Field(min_length=1, max_length=MAX_SECTION)]
    section: SectionKey | None = None


class EntryCreate(Request):
    at: Instant
    summary: Annotated[str, Field(min_length=1, max_length=2000)]


class EntryMark(Request):
    starred: bool | None = None
    hidden: bool | None = None


class DismissalCreate(Request):
    section: LintSection
    rule_id: Annotated[str, Field(min_length=1, max_length=60)]
    match: Annotated[str, Field(max_length=300)] = ""
    reason: Annotated[str, Field(min_length=1, max_length=2000)]


class LintRequest(Request):
    text: Annotated[str, Field(max_length=50_000)]
    section: LintSection


class LintRuleCreate(Request):
    rule_id: Annotated[str, Field(min_length=1, max_length=60, pattern=r"^[a-z0-9][a-z0-9._-]*$")]
    phrases: Annotated[list[Annotated[str, Field(min_length=1, max_length=100)]], Field(max_length=100)] = []
    pattern: Annotated[str, Field(min_length=1, max_length=300)] | None = None
    sections: Annotated[list[LintSection], Field(max_length=20)] = []
    why: Annotated[str, Field(min_length=1, max_length=2000)]
    suggestion: Annotated[str, Field(min_length=1, max_length=2000)]


class ActionItemCreate(Request):
    title: Title
    type: ActionType
    owner_id: Id | None = None
    team_id: Id | None = None
    due_at: Instant | None = None
    priority: Priority = "medium"
    ticket_url: Url | None = None


class ActionItemPatch(Request):
    title: Title | None = None
    type: ActionType | None = None
    owner_id: Id | None = None
    team_id: Id | None = None
    due_at: Instant | None = None
    priority: Priority | None = None
    ticket_url: Url | None = None
    status: ActionStatus | None = None

    def changes(self) -> dict[str, Any]:
        # Fields sent as null clear (owner, team, due date, ticket); the rest only change when given.
        sent = self.model_dump(exclude_unset=True)
        clearable = ("owner_id", "team_id", "due_at", "ticket_url")
        return {k: v for k, v in sent.items() if v is not None or k in clearable}


class FindingOut(Response):
    rule_id: str
    section: str
    start: int
    end: int
    text: str
    why: str
    suggestion: str
    dismissed: DismissedOut | None = None


class LintOut(Response):
    findings: list[FindingOut]


class EntryOut(Response):
    key: str
    at: UtcTime
    kind: str
    source: str
    actor: str
    summary: str
    starred: bool
    hidden: bool
    added_later: bool
    event_id: int | None


class ActionItemOut(Response):
    id: int
    incident_id: int
    title: str
    type: str
    priority: str
    status: str
    owner_id: int | None
    owner: str | None
    team_id: int | None
    due_at: UtcTime | None
    overdue: bool
    ticket_url: str | None
    created_at: UtcTime
    updated_at: UtcTime
    completed_at: UtcTime | None
    reminded_before_at: UtcTime | None
    reminded_after_at: UtcTime | None


class ActionItemList(Response):
    items: list[ActionItemOut]
    total: int
    limit: int
    offset: int


class ReviewerOut(Response):
    user_id: int
    name: str | None
    assigned_at: UtcTime
    approved_at: UtcTime | None


class CommentOut(Response):
    id: int
    section: str | None
    body: str
    author: str
    created_at: UtcTime


class DismissedOut(Response):
    reason: str
    by: str
    at: UtcTime


class PostmortemOut(Response):
    id: int | None
    incident_id: int
    incident: dict[str, Any]
    saved: bool
    status: str
    sections: dict[str, str]
    headings: dict[str, str]
    required_sections: list[str]
    private_sections: list[str]
    empty_required_sections: list[str]
    action_items_problem: str | None
    public_sections: list[str]
    debrief_shared: bool
    factors: list[dict[str, Any]]
    tags: list[str]
    no_actions_reason: str | None
    timeline: list[EntryOut]
    key_instants: dict[str, UtcTime | None]
    metrics: dict[str, int | None]
    action_items: list[ActionItemOut]
    reviewers: list[ReviewerOut]
    comments: list[CommentOut]
    lint: list[FindingOut]
    created_at: UtcTime
    updated_at: UtcTime
    published_at: UtcTime | None


class LintRuleOut(Response):
    id: int
    rule_id: str
    phrases: list[str]
    pattern: str | None
    sections: list[str]
    why: str
    suggestion: str


class LintRuleList(Response):
    items: list[LintRuleOut]
    total: int


class SearchList(Response):
    items: list[dict[str, Any]]
    total: int
