"""A planted IRT population written straight into the database (seconds, not the demo's minutes).

Two competencies (RA, PA), each a pool of 12 single-choice items (2PL) and 2 multiple-response items
scored `partial` on two keyed options (credit 0, 1/2 or 1: a 2-step GPCM item); the `irt` assessment
draws 6 items per competency. Item parameters are planted from a seeded RNG (`PLANTED`, logistic
metric, no 1.7); abilities are N(0, 1). Some candidates retake once, half a logit stronger.
"""

from __future__ import annotations

import math
import random
from datetime import timedelta

from sqlalchemy import null, select

from certify.assessments.attempt_models import Attempt, AttemptItem, AttemptScore, Response
from certify.assessments.models import Assessment, Item, ItemVersion
from certify.auth.models import User
from certify.core.delivery import opaque_id
from certify.core.scoring import ItemScore, score_attempt
from certify.database import utcnow
from certify.extensions import db

CODES = ("RA", "PA")
SINGLE, MULTI, PER_FORM = 12, 2, 6
CUT, MASTERY = 60.0, 50.0


def _planted() -> dict[str, tuple[float, tuple[float, ...]]]:
    rng = random.Random(2024)
    planted = {}
    for code in CODES:
        for n in range(1, SINGLE + 1):
            planted[f"{code}-S{n:02d}"] = (0.8 + 1.2 * rng.random(), (-1.6 + 3.2 * rng.random(),))
        for n in range(1, MULTI + 1):
            b = -1.0 + 2.0 * rng.random()
            planted[f"{code}-M{n:02d}"] = (0.8 + 0.8 * rng.random(), (b - 0.6, b + 0.6))
    return planted


PLANTED = _planted()


def bank(code: str) -> str:
    lines = [f"bank:\n  id: irt-{code.lower()}\n  title: IRT bank {code}\n  competency: {code}\nitems:"]
    for ref, (_a, steps) in PLANTED.items():
        if not ref.startswith(code):
            continue
        if len(steps) == 1:
            lines.append(
                f"  - id: {ref}\n    type: single_choice\n    bloom: apply\n"
                f"    stem: Which option is right in case {ref}?\n    options:\n"
                f"      - {{id: a, text: The right one for {ref}, rationale: right}}\n"
                f"      - {{id: b, text: A wrong one for {ref}, rationale: wrong}}\n"
                f"      - {{id: c, text: Another wrong one for {ref}, rationale: wrong}}\n"
                f"    key: a\n    rationale: Because of {ref}."
            )
        else:
            lines.append(
                f"  - id: {ref}\n    type: multiple_response\n    bloom: apply\n    scoring: partial\n"
                f"    stem: Which two options fit case {ref}?\n    options:\n"
                f"      - {{id: a, text: First fit for {ref}, rationale: right}}\n"
                f"      - {{id: b, text: Second fit for {ref}, rationale: right}}\n"
                f"      - {{id: c, text: A misfit for {ref}, rationale: wrong}}\n"
                f"      - {{id: d, text: Another misfit for {ref}, rationale: wrong}}\n"
                f"    key: [a, b]\n    rationale: Both a and b for {ref}."
            )
    return "\n".join(lines) + "\n"


ASSESSMENT = f"""\
assessment:
  slug: irt
  title: IRT exam
  kind: practice
  time_limit_minutes: 30
  review_policy: full
  banks: [irt-ra, irt-pa]
  blueprint:
    RA: {{apply: {PER_FORM}}}
    PA: {{apply: {PER_FORM}}}
  cut_score: {{percent: {CUT:g}, method: informed_judgement, rationale: test}}
  mastery: {{default: {MASTERY:g}}}
"""

SOURCES = (("irt-ra.yaml", bank("RA")), ("irt-pa.yaml", bank("PA")), ("irt.yaml", ASSESSMENT))


def gpcm_draw(rng: random.Random, a: float, steps: tuple[float, ...], theta: float) -> int:
    """A score 0..m from the GPCM (the 2PL when m = 1)."""
    logits = [0.0]
    for b in steps:
        logits.append(logits[-1] + a * (theta - b))
    top = max(logits)
    weights = [math.exp(x - top) for x in logits]
    u, acc = rng.random() * sum(weights), 0.0
    for k, w in enumerate(weights):
        acc += w
        if u <= acc:
            return k
    return len(weights) - 1


def _answer(ref: str, k: int, seed: str) -> object:
    shown = lambda real: opaque_id(f"{seed}:options", real)  # noqa: E731 - as the runner shows option ids
    if ref[3] == "S":
        return shown("a" if k else "b")
    return [shown("a"), shown("b")] if k == 2 else [shown("a")] if k == 1 else [shown("c")]


def populate(candidates: int, *, retake_share: float = 0.25, seed: int = 7) -> dict[str, int]:
    """Write `candidates` first attempts (and some retakes) of the `irt` assessment; returns counts."""
    rng = random.Random(seed)
    assessment = db.session.query(Assessment).filter_by(slug="irt").one()
    cut = assessment.cut_scores[-1]
    versions = {
        ref: version
        for version, ref in db.session.query(ItemVersion, Item.ref).join(Item, Item.id == ItemVersion.item_id)
        if ref in PLANTED
    }
    users = [User(email=f"irt{n}@example.org", name=f"IRT candidate {n}") for n in range(candidates)]
    db.session.add_all(users)
    db.session.flush()
    start = utcnow() - timedelta(days=30)
    attempts = 0
    for n, user in enumerate(users):
        theta = rng.gauss(0.0, 1.0)
        sittings = 2 if rng.random() < retake_share else 1
        for number in range(1, sittings + 1):
            _sit(rng, assessment, cut.id, versions, user, number, theta + 0.5 * (number - 1), start, n)
            attempts += 1
    db.session.flush()
    return {"candidates": candidates, "attempts": attempts}


def _sit(rng, assessment, cut_id, versions, user, number, theta, start, n) -> None:
    seed = f"irt-{n}-{number}"
    when = start + timedelta(minutes=n, days=number)
    attempt = Attempt(
        user_id=user.id,
        assessment_id=assessment.id,
        number=number,
        open_marker=null(),  # closed: an explicit NULL, not the column default
        seed=seed,
        status="scored",
        started_at=when,
        deadline=when + timedelta(minutes=30),
        submitted_at=when + timedelta(minutes=20),
        cut_score_id=cut_id,
    )
    scores, position = [], 0
    for code in CODES:
        pool = sorted(ref for ref in PLANTED if ref.startswith(code))
        for ref in rng.sample(pool, PER_FORM):
            position += 1
            a, steps = PLANTED[ref]
            k = gpcm_draw(rng, a, steps, theta)
            credit = k / len(steps)
            item = AttemptItem(position=position, item_version_id=versions[ref].id, scored=True, credit=credit)
            item.response = Response(answer=_answer(ref, k, f"{seed}:{position}"), seq=1, saved_at=when)
            attempt.items.append(item)
            scores.append(ItemScore(code, credit))
    result = score_attempt(scores, cut_percent=CUT, mastery_percent=assessment.mastery)
    attempt.score = AttemptScore(
        points=result.points,
        max_points=result.max_points,
        percent=result.percent,
        cut_percent=result.cut_percent,
        passed=result.passed,
        competencies=[{"code": c.code, "percent": c.percent, "met": c.met} for c in result.competencies],
        scored_at=when + timedelta(minutes=20),
    )
    db.session.add(attempt)


def turn_into_pilot(ref: str) -> None:
    """Make item `ref` a pilot after the fact: its version's status, and its slots unscored, as forms would draw it."""
    version = db.session.scalar(select(ItemVersion).join(Item, Item.id == ItemVersion.item_id).where(Item.ref == ref))
    version.status = "pilot"
    db.session.query(AttemptItem).filter(AttemptItem.item_version_id == version.id).update({"scored": False})
