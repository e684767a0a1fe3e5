"""Audit diffs: each field once, marked added, removed, changed or unchanged in words."""

from __future__ import annotations

from certify.core.changes import FieldChange, as_text, field_changes


def test_changed_added_removed_and_unchanged_fields_are_named():
    before = {"status": "pilot", "roles": ["candidate"], "note": "old"}
    after = {"status": "live", "roles": ["candidate"], "reason": "promoted"}
    assert field_changes(before, after) == [
        FieldChange("status", "changed", "pilot", "live"),
        FieldChange("roles", "unchanged", '["candidate"]', '["candidate"]'),
        FieldChange("note", "removed", "old", ""),
        FieldChange("reason", "added", "", "promoted"),
    ]


def test_an_event_with_only_an_after_state_lists_every_field_as_added():
    assert field_changes(None, {"assessor": 7}) == [FieldChange("assessor", "added", "", "7")]
    assert field_changes(None, None) == []


def test_nested_objects_are_compared_field_by_field():
    rows = field_changes({"levels": {"C1": 2, "C2": 3}}, {"levels": {"C1": 3, "C2": 3}})
    assert rows == [FieldChange("levels.C1", "changed", "2", "3"), FieldChange("levels.C2", "unchanged", "3", "3")]


def test_values_read_as_text_without_json_quotes_on_strings():
    assert as_text("<b>bold</b>") == "<b>bold</b>"  # escaping is the template's job
    assert as_text(True) == "true" and as_text(None) == "null" and as_text({"b": 1, "a": 2}) == '{"a": 2, "b": 1}'
