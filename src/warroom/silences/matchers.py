"""Label matchers as Alertmanager defines them: `=`, `!=`, `=~`, `!~`, all must match, a missing label is "".

Regexes are fully anchored (`^(?:pattern)$`) and run on google-re2, whose matching time is linear in the
input, so a hostile pattern such as `(a+)+$` cannot stall alert intake.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import re2  # type: ignore[import-untyped]

from warroom.errors import Invalid

OPS = ("=", "!=", "=~", "!~")
# Classic Prometheus label names; anything else is almost always a typo.
LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]{0,99}")
MAX_VALUE = 1000
MAX_MATCHERS = 50
# `name!~value` before `name!=value` before `name=~value` before `name=value`: the longest operator wins.
_MATCHER_TEXT = re.compile(r"^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(!~|!=|=~|=)(.*)$", re.DOTALL)
_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False  # an invalid pattern is the user's 422, not a line in the server log


@dataclass(frozen=True)
class Matcher:
    name: str
    op: str
    value: str

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "op": self.op, "value": self.value}

    def __str__(self) -> str:
        return f'{self.name}{self.op}"{self.value}"'


@lru_cache(maxsize=2048)
def _compiled(pattern: str) -> Any:
    return re2.compile(f"^(?:{pattern})$", _RE2_OPTIONS)


def compile_regex(pattern: str, *, position: int) -> Any:
    """The anchored re2 program for `pattern`; Invalid (422) naming the matcher when it does not parse."""
    try:
        return _compiled(pattern)
    except re2.error as exc:
        reason = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise Invalid(
            f"matcher {position + 1}: {pattern!r} is not a valid regular expression ({reason}); "
            "RE2 syntax is used, without backreferences or lookarounds",
            {"field": f"matchers.{position}.value", "position": position},
        ) from None


def _test(matcher: Matcher, position: int) -> Callable[[str], bool]:
    if matcher.op in ("=~", "!~"):
        program = compile_regex(matcher.value, position=position)
        positive = matcher.op == "=~"
        return lambda value: (program.search(value) is not None) == positive
    if matcher.op == "=":
        return lambda value: value == matcher.value
    return lambda value: value != matcher.value


@dataclass(frozen=True)
class CompiledMatchers:
    """A silence's matchers, ready to test label sets quickly."""

    tests: tuple[tuple[str, Callable[[str], bool]], ...]

    def matches(self, labels: Mapping[str, str]) -> bool:
        """True when every matcher matches; a missing label counts as the empty string."""
        return all(test(str(labels.get(name, ""))) for name, test in self.tests)


def compile_matchers(matchers: Sequence[Matcher]) -> CompiledMatchers:
    return CompiledMatchers(tuple((m.name, _test(m, i)) for i, m in enumerate(matchers)))


def clean_matchers(raw: Sequence[Mapping[str, Any] | Matcher]) -> list[Matcher]:
    """Check a list of matchers (dicts or Matcher); Invalid (422) says which one is wrong and how."""
    if not raw:
        raise Invalid("a silence needs at least one matcher, e.g. env=staging", {"field": "matchers"})
    if len(raw) > MAX_MATCHERS:
        raise Invalid(f"a silence may have at most {MAX_MATCHERS} matchers", {"field": "matchers"})
    cleaned: list[Matcher] = []
    for position, item in enumerate(raw):
        name: Any
        op: Any
        value: Any
        if isinstance(item, Matcher):
            name, op, value = item.name, item.op, item.value
        else:
            name, op, value = item.get("name"), item.get("op", "="), item.get("value", "")
        field = f"matchers.{position}"
        if not isinstance(name, str) or not LABEL_NAME.fullmatch(name):
            raise Invalid(
                f"matcher {position + 1}: the label name {name!r} must start with a letter or _ and contain "
                "only letters, digits and _ (at most 100)",
                {"field": f"{field}.name", "position": position},
            )
        if op not in OPS:
            raise Invalid(
                f"matcher {position + 1}: the operator {op!r} is unknown; use one of {', '.join(OPS)}",
                {"field": f"{field}.op", "position": position},
            )
        if not isinstance(value, str) or len(value) > MAX_VALUE or "\x00" in value:
            raise Invalid(
                f"matcher {position + 1}: the value must be text of at most {MAX_VALUE} characters",
                {"field": f"{field}.value", "position": position},
            )
        matcher = Matcher(name=name, op=op, value=value)
        _test(matcher, position)  # compiles regexes now, so a bad one is a 422 at creation
        cleaned.append(matcher)
    # As Alertmanager: a silence whose matchers all match "" would silence every alert without that label.
    if all(_test(m, i)("") for i, m in enumerate(cleaned)):
        raise Invalid(
            "at least one matcher must not match the empty string, or the silence would match almost every "
            'alert; e.g. use env="staging" rather than env!="production"',
            {"field": "matchers"},
        )
    return cleaned


def parse_matcher(text: str, *, position: int = 0) -> Matcher:
    """Parse `name=value`, `name!=value`, `name=~regex` or `name!~regex` (quotes around the value optional)."""
    found = _MATCHER_TEXT.match(text)
    if found is None:
        raise Invalid(
            f"matcher {position + 1}: {text[:100]!r} is not a matcher; write name=value, name!=value, "
            "name=~regex or name!~regex",
            {"field": f"matchers.{position}", "position": position},
        )
    name, op, value = found.group(1), found.group(2), found.group(3).strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1]
    return Matcher(name=name, op=op, value=value)


def from_stored(stored: Sequence[Mapping[str, Any]]) -> list[Matcher]:
    return [Matcher(name=str(m["name"]), op=str(m["op"]), value=str(m["value"])) for m in stored]
