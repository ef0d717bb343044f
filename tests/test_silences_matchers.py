"""Silence matchers behave as Alertmanager's: four operators, anchored regexes, missing labels are ""."""

from __future__ import annotations

import time

import pytest

from warroom.errors import Invalid
from warroom.silences.matchers import Matcher, clean_matchers, compile_matchers, parse_matcher


def _matches(op: str, value: str, labels: dict[str, str], name: str = "instance") -> bool:
    return compile_matchers([Matcher(name, op, value)]).matches(labels)


@pytest.mark.parametrize(
    ("op", "value", "label", "expected"),
    [
        ("=", "web", "web", True),
        ("=", "web", "web-1", False),
        ("!=", "web", "web-1", True),
        ("!=", "web", "web", False),
        ("=~", "web", "web-1", False),  # anchored: a regex must match the whole value
        ("=~", "web.*", "web-1", True),
        ("=~", "web|db", "db", True),
        ("=~", "eb", "web", False),
        ("!~", "web.*", "web-1", False),
        ("!~", "web", "web-1", True),
        ("=~", "a$|b", "xa", False),  # the alternation stays inside the anchors
    ],
)
def test_each_operator_matches_as_alertmanager_does(op: str, value: str, label: str, expected: bool) -> None:
    assert _matches(op, value, {"instance": label}) is expected


def test_a_missing_label_counts_as_the_empty_string() -> None:
    assert _matches("=", "", {}) is True
    assert _matches("!=", "web", {}) is True
    assert _matches("=~", "web.*", {}) is False
    assert _matches("=~", "(web)?", {}) is True
    assert _matches("!~", ".+", {}) is True


def test_every_matcher_must_match() -> None:
    compiled = compile_matchers([Matcher("env", "=", "staging"), Matcher("team", "=~", "wh|ops")])
    assert compiled.matches({"env": "staging", "team": "ops"}) is True
    assert compiled.matches({"env": "staging", "team": "web"}) is False
    assert compiled.matches({"env": "prod", "team": "ops"}) is False


def test_a_hostile_regex_on_a_long_string_returns_fast() -> None:
    compiled = compile_matchers([Matcher("path", "=~", "(a+)+$")])
    started = time.perf_counter()
    assert compiled.matches({"path": "a" * 100_000 + "!"}) is False
    assert time.perf_counter() - started < 0.5


def test_an_invalid_regex_names_its_matcher() -> None:
    with pytest.raises(Invalid) as caught:
        clean_matchers([{"name": "env", "op": "=", "value": "x"}, {"name": "job", "op": "=~", "value": "(unclosed"}])
    assert caught.value.message.startswith("matcher 2: '(unclosed' is not a valid regular expression")
    assert caught.value.detail == {"field": "matchers.1.value", "position": 1}


def test_backreferences_are_refused_because_re2_has_none() -> None:
    with pytest.raises(Invalid) as caught:
        clean_matchers([{"name": "env", "op": "=~", "value": r"(a)\1"}])
    assert caught.value.detail["field"] == "matchers.0.value"


def test_matchers_that_all_match_the_empty_string_are_refused() -> None:
    with pytest.raises(Invalid) as caught:
        clean_matchers([{"name": "env", "op": "!=", "value": "production"}])
    assert caught.value.message.startswith("at least one matcher must not match the empty string")


def test_a_bad_label_name_or_operator_is_refused() -> None:
    with pytest.raises(Invalid) as bad_name:
        clean_matchers([{"name": "1env", "op": "=", "value": "x"}])
    assert bad_name.value.detail == {"field": "matchers.0.name", "position": 0}
    with pytest.raises(Invalid) as bad_op:
        clean_matchers([{"name": "env", "op": "==", "value": "x"}])
    assert bad_op.value.detail == {"field": "matchers.0.op", "position": 0}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("env=staging", Matcher("env", "=", "staging")),
        ('env="staging"', Matcher("env", "=", "staging")),
        ("env!=prod", Matcher("env", "!=", "prod")),
        ("instance=~web-.*", Matcher("instance", "=~", "web-.*")),
        ("instance!~'db.*'", Matcher("instance", "!~", "db.*")),
        ("url=a=b", Matcher("url", "=", "a=b")),
    ],
)
def test_matcher_text_parses_the_longest_operator(text: str, expected: Matcher) -> None:
    assert parse_matcher(text) == expected


def test_matcher_text_without_an_operator_is_refused() -> None:
    with pytest.raises(Invalid) as caught:
        parse_matcher("staging", position=2)
    assert caught.value.message.startswith("matcher 3: 'staging' is not a matcher")


def test_compiled_matchers_are_cached_by_content_not_by_silence_id() -> None:
    from warroom.silences.models import Silence
    from warroom.silences.service import compiled_matchers

    # The same id in two databases (a test run, a restore) must not reuse the other's matchers.
    staging = Silence(id=7, matchers=[{"name": "env", "op": "=", "value": "staging"}])
    production = Silence(id=7, matchers=[{"name": "env", "op": "=", "value": "production"}])
    assert compiled_matchers(staging).matches({"env": "staging"}) is True
    assert compiled_matchers(production).matches({"env": "staging"}) is False
    assert compiled_matchers(production).matches({"env": "production"}) is True
