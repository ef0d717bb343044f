"""The push API's fingerprint: the SHA-256 of the label set's canonical JSON, however it is computed."""

from __future__ import annotations

import hashlib
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from warroom.intake.formats import label_fingerprint


def reference(labels: dict[str, str]) -> str:
    """The definition: what a fingerprint stored by any earlier version was computed as."""
    canonical = json.dumps(sorted(labels.items()), separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]


def test_a_known_label_set_keeps_its_fingerprint() -> None:
    labels = {"alertname": "DiskFilling", "instance": "node-1:9100", "severity": "warning"}
    assert label_fingerprint(labels) == reference(labels)
    assert label_fingerprint(labels) == label_fingerprint(dict(reversed(labels.items())))


def test_every_ascii_character_and_the_escapes_json_and_orjson_write_differently() -> None:
    for code in range(128):
        labels = {"alertname": f"a{chr(code)}b", chr(code) or "k": "v"}
        assert label_fingerprint(labels) == reference(labels), code
    for odd in ("é", "日本", "\u2028", "\ud800", "emoji 🔥", '"quoted"', "back\\slash", "\x7f"):
        labels = {"alertname": odd, odd: odd}
        assert label_fingerprint(labels) == reference(labels), odd


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=20), st.text(max_size=40), max_size=8))
def test_any_label_set_matches_the_definition(labels: dict[str, str]) -> None:
    assert label_fingerprint(labels) == reference(labels)
