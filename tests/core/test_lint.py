"""The item-writing guidelines that `banks lint` checks."""

from __future__ import annotations

from dataclasses import replace

from certify.core.banks import Bank, Item
from certify.core.lint import lint_bank

OPTIONS = [
    {"id": "a", "text": "Option one", "rationale": "r"},
    {"id": "b", "text": "Option two", "rationale": "r"},
    {"id": "c", "text": "Option six", "rationale": "r"},
]


def sc(ref: str, key: str = "a", stem: str = "Which one?", options=OPTIONS, **extra) -> Item:
    return Item(
        ref=ref,
        type="single_choice",
        competency="RA",
        bloom="apply",
        status="live",
        stem=stem,
        rationale="why",
        body={"options": options, "key": key},
        line=1,
        **extra,
    )


def bank(*items: Item) -> Bank:
    return Bank("b", "B", "certification", tuple(items), "b.yaml")


def messages(b: Bank) -> list[str]:
    return [p.message for p in lint_bank(b)]


def test_clean_items_pass():
    assert messages(bank(sc("1", "a"), sc("2", "b"), sc("3", "c"))) == []


def test_all_of_the_above_needs_permission():
    options = [*OPTIONS[:2], {"id": "c", "text": "All of the above", "rationale": "r"}]
    assert any("all/none of the above" in m for m in messages(bank(sc("1", options=options))))
    assert messages(bank(sc("1", options=options, allow_all_none=True))) == []


def test_negative_stem_must_be_emphasised():
    assert any("**NOT**" in m for m in messages(bank(sc("1", stem="A sponsor asks for training. Which is not a KPM?"))))
    assert messages(bank(sc("1", stem="The plant did not meet target. Which is **NOT** a KPM?"))) == []
    # A negative in the scenario (not the question) is fine.
    assert messages(bank(sc("1", stem="Sales did not improve.\n\nWhat should the designer ask first?"))) == []


def test_missing_rationales_are_reported():
    options = [{**OPTIONS[0], "rationale": ""}, *OPTIONS[1:]]
    assert any("options without a rationale: a" in m for m in messages(bank(sc("1", options=options))))


def test_key_position_must_be_balanced():
    unbalanced = bank(*[sc(str(n), "a") for n in range(12)])
    assert any("key position unbalanced" in m for m in messages(unbalanced))
    balanced = bank(*[sc(str(n), "abc"[n % 3]) for n in range(12)])
    assert not any("key position" in m for m in messages(balanced))


def test_key_must_not_usually_be_the_longest_option():
    long_key = [{"id": "a", "text": "A much longer and more qualified answer", "rationale": "r"}, *OPTIONS[1:]]
    items = [sc(str(n), "a", options=long_key) for n in range(3)] + [sc("x", "b"), sc("y", "c")]
    assert any("longest option in 60%" in m for m in messages(bank(*items)))


def test_retired_items_are_not_linted():
    options = [*OPTIONS[:2], {"id": "c", "text": "None of the above", "rationale": "r"}]
    assert messages(bank(replace(sc("1", options=options), status="retired"))) == []
