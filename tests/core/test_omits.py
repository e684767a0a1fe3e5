"""An omitted item scores 0 under every scoring rule of every item type, whatever shape the blank takes."""

from __future__ import annotations

import pytest
import yaml

from certify.core.items import ITEM_TYPES, item_type
from certify.core.scoring import is_omitted, score_item
from tests.support.samples import BANK

# The blank answer each type's page or API can send, besides None (nothing sent at all).
BLANKS = {
    "single_choice": [None],
    "true_false": [None],
    "multiple_response": [None, []],
    "matching": [None, {}],
    "ordering": [None, []],
    "short_answer": [None, "", "   "],
    "numeric": [None, ""],
}


def _contents() -> list[tuple[str, dict]]:
    """Every sample item, once per scoring rule its type offers."""
    out = []
    for raw in yaml.safe_load(BANK)["items"]:
        module = item_type(raw["type"])
        for rule in getattr(module, "RULES", (None,)):
            source = dict(raw) if rule is None else {**raw, "scoring": rule}
            out.append((f"{raw['type']}-{rule or 'only'}", {"type": raw["type"], "body": module.parse_body(source)}))
    return out


CONTENTS = _contents()


def test_the_samples_cover_every_item_type_and_rule():
    assert {content["type"] for _, content in CONTENTS} == set(ITEM_TYPES)
    assert {name for name, _ in CONTENTS} >= {"multiple_response-per_option", "ordering-positional"}


@pytest.mark.parametrize(("name", "content"), CONTENTS, ids=[name for name, _ in CONTENTS])
def test_an_omit_scores_zero_under_every_rule(name, content):
    module = item_type(content["type"])
    for blank in BLANKS[content["type"]]:
        assert is_omitted(blank)
        assert score_item(content, blank) == 0.0, (name, blank)
        if blank is None or content["type"] in ("multiple_response", "short_answer", "numeric"):
            # Through the type's own path: the blank normalises to an omit, which scores 0.
            assert module.score(content["body"], module.normalise_response(content["body"], blank)) == 0.0


def test_choosing_no_option_of_a_multiple_response_item_is_an_omit():
    body = item_type("multiple_response").parse_body(
        {
            "options": [{"id": i, "text": i} for i in "abcde"],
            "key": ["a"],
            "scoring": "per_option",
        }
    )
    assert item_type("multiple_response").normalise_response(body, []) is None
    # Before omits were recognised, per_option credited the four unkeyed options left unchosen: 0.8.
    assert item_type("multiple_response").score(body, []) == 0.0


@pytest.mark.parametrize("answer", [0, 0.0, False, "0", ["a"], {"p1": "p1"}])
def test_a_real_answer_is_not_an_omit(answer):
    assert not is_omitted(answer)
