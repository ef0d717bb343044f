"""The blameless-language linter: rules as data (rules.json plus teams' rules in the database), offline.

Every pattern matches the original text with IGNORECASE, so a finding's span indexes the text as sent.
Findings are advisory; nothing here raises on odd input.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from functools import cache
from importlib import resources
from typing import Any

RULES_FILE = "rules.json"
MAX_FINDINGS = 200


@dataclass(frozen=True)
class Finding:
    rule_id: str
    section: str
    start: int
    end: int
    text: str
    why: str
    suggestion: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class PhraseRule:
    """A rule that flags any of its phrases, or its regular expression, in the sections it applies to."""

    id: str
    phrases: tuple[str, ...]
    why: str
    suggestion: str
    pattern: str | None = None
    sections: tuple[str, ...] = ()

    def compiled(self) -> re.Pattern[str] | None:
        return _compile(self.phrases, self.pattern)


@cache
def builtin_rules() -> dict[str, Any]:
    """The rules shipped with Warroom (review/rules.json)."""
    text = resources.files("warroom.review").joinpath(RULES_FILE).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def builtin_summaries() -> list[dict[str, str]]:
    """The shipped rules as rows for people to read: id, what it flags, why, and the suggestion."""
    data = builtin_rules()
    rows = [
        {"id": r["id"], "flags": "phrases: " + ", ".join(r["phrases"]), "why": r["why"], "suggestion": r["suggestion"]}
        for r in data["phrase_rules"]
    ]
    person = data["person_rule"]
    before, after = ", ".join(person["cause_before"]), ", ".join(person["blame_after"])
    flags = f"a person's name or @mention after {before}; or before {after}"
    rows.append({"id": person["id"], "flags": flags, "why": person["why"], "suggestion": person["suggestion"]})
    vague = data["vague_impact"]
    flags = "an Impact section without any number, e.g. " + ", ".join(vague["vague_words"])
    rows.append({"id": vague["id"], "flags": flags, "why": vague["why"], "suggestion": vague["suggestion"]})
    items = data["action_items"]
    for key, flags in (
        ("verb", "an action item that does not start with a verb"),
        ("owner", "an action item without an owner"),
        ("due", "an action item without a due date"),
    ):
        why, suggestion = items[f"why_{key}"], items[f"suggestion_{key}"]
        rows.append({"id": items[f"{key}_id"], "flags": flags, "why": why, "suggestion": suggestion})
    return rows


def _phrase_regex(phrases: Iterable[str]) -> str:
    # Longest first, so "should not have" wins over a shorter overlapping phrase; \b only next to word chars.
    parts = []
    for phrase in sorted({p for p in phrases if p.strip()}, key=len, reverse=True):
        escaped = re.escape(phrase.strip()).replace(r"\ ", r"\s+")
        head = r"\b" if re.match(r"\w", phrase.strip()) else ""
        tail = r"\b" if re.search(r"\w$", phrase.strip()) else ""
        parts.append(f"{head}{escaped}{tail}")
    return "|".join(parts)


@cache
def _compile(phrases: tuple[str, ...], pattern: str | None) -> re.Pattern[str] | None:
    source = pattern if pattern else _phrase_regex(phrases)
    if not source:
        return None
    try:
        return re.compile(source, re.IGNORECASE)
    except re.error:
        return None


def check_pattern(pattern: str) -> str | None:
    """None when `pattern` is a valid regular expression, else the compiler's complaint."""
    try:
        re.compile(pattern)
    except re.error as exc:
        return str(exc)
    return None


def _phrase_rules(extra: Sequence[PhraseRule]) -> list[PhraseRule]:
    rules = [
        PhraseRule(id=r["id"], phrases=tuple(r["phrases"]), why=r["why"], suggestion=r["suggestion"])
        for r in builtin_rules()["phrase_rules"]
    ]
    return [*rules, *extra]


def _spans(regex: re.Pattern[str] | None, text: str) -> Iterable[tuple[int, int]]:
    if regex is None:
        return
    for match in regex.finditer(text):
        if match.end() > match.start():
            yield match.start(), match.end()


@cache
def _person_regex(names: tuple[str, ...]) -> re.Pattern[str] | None:
    rule = builtin_rules()["person_rule"]
    # Names from the user directory (full and first names) and @mentions.
    who_parts = [re.escape(n.strip()).replace(r"\ ", r"\s+") for n in sorted(set(names), key=len, reverse=True)]
    who = "|".join([rf"\b(?:{p})\b" for p in who_parts if p] + [r"@[\w.\-]+"])
    before = _phrase_regex(rule["cause_before"])
    after = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in sorted(rule["blame_after"], key=len, reverse=True))
    source = rf"(?:(?:{before})\s+(?:{who}))|(?:(?:{who})\s*(?:{after}))"
    return re.compile(source, re.IGNORECASE)


def person_names(full_names: Iterable[str]) -> list[str]:
    """Full names and first names worth matching (two letters or more)."""
    found: set[str] = set()
    for full in full_names:
        name = " ".join(full.split())
        if len(name) >= 2:
            found.add(name)
        first = name.split(" ")[0] if name else ""
        if len(first) >= 2:
            found.add(first)
    return sorted(found)


def _vague_impact(text: str) -> list[Finding]:
    if not text.strip() or any(ch.isdigit() for ch in text):
        return []
    rule = builtin_rules()["vague_impact"]
    spans = list(_spans(_compile(tuple(rule["vague_words"]), None), text))
    start, end = spans[0] if spans else (0, len(text))
    return [Finding(rule["id"], "impact", start, end, text[start:end], rule["why"], rule["suggestion"])]


def _first_word(title: str) -> tuple[int, int, str]:
    match = re.search(r"[^\W\d_][\w'’-]*", title)
    if match is None:
        return 0, len(title), ""
    return match.start(), match.end(), match.group(0)


def lint_action_title(title: str, *, offset: int = 0) -> list[Finding]:
    """Flag an action item whose title does not start with a verb."""
    rule = builtin_rules()["action_items"]
    start, end, word = _first_word(title)
    if not title.strip() or word.lower() in rule["verbs"]:
        return []
    return [
        Finding(
            rule["verb_id"],
            "action_items",
            offset + start,
            offset + end,
            title[start:end],
            rule["why_verb"],
            rule["suggestion_verb"],
        )
    ]


def lint_action_item(title: str, *, has_owner: bool, has_due_date: bool) -> list[Finding]:
    """Verb first, an owner and a due date: the findings for one action item."""
    rule = builtin_rules()["action_items"]
    findings = lint_action_title(title)
    whole = (0, len(title), title)
    if not has_owner:
        findings.append(Finding(rule["owner_id"], "action_items", *whole, rule["why_owner"], rule["suggestion_owner"]))
    if not has_due_date:
        findings.append(Finding(rule["due_id"], "action_items", *whole, rule["why_due"], rule["suggestion_due"]))
    return findings


def _action_lines(text: str) -> list[Finding]:
    # Free text in the action-items section: one item per line, list markers ignored.
    findings: list[Finding] = []
    position = 0
    for line in text.splitlines(keepends=True):
        body = re.sub(r"^\s*(?:[-*•]|\d+[.)])?\s*", "", line)
        findings.extend(lint_action_title(body.rstrip("\r\n"), offset=position + len(line) - len(body)))
        position += len(line)
    return findings


def lint(
    text: str, *, section: str, names: Sequence[str] = (), extra_rules: Sequence[PhraseRule] = ()
) -> list[Finding]:
    """Every finding in `text` for `section`, ordered by position (at most MAX_FINDINGS)."""
    findings: list[Finding] = []
    for rule in _phrase_rules(extra_rules):
        if rule.sections and section not in rule.sections:
            continue
        for start, end in _spans(rule.compiled(), text):
            findings.append(Finding(rule.id, section, start, end, text[start:end], rule.why, rule.suggestion))
    person = builtin_rules()["person_rule"]
    for start, end in _spans(_person_regex(tuple(names)), text):
        findings.append(
            Finding(person["id"], section, start, end, text[start:end], person["why"], person["suggestion"])
        )
    if section == "impact":
        findings.extend(_vague_impact(text))
    if section == "action_items":
        findings.extend(_action_lines(text))
    findings.sort(key=lambda f: (f.start, f.end, f.rule_id))
    return findings[:MAX_FINDINGS]
