"""Portfolio assessment in a real browser: a candidate submits, two assessors review blind, a disagreement
goes to an adjudicator, the candidate reads the feedback and an administrator sees the agreement figures.

Each person works in their own browser context (their own cookies), as they would on their own computer.
Every page on the way is checked with axe.
"""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from certify.extensions import db
from certify.review.models import AnchorPortfolio
from certify.review.services import get_rubric
from tests.support.axe import assert_accessible
from tests.support.planted_metadata import PLANTED, leaks, pdf_with_metadata
from tests.support.portfolio_pages import (
    UPLOAD_NAME,
    browser_of,
    expect_absent,
    review_in,
    rubric_criteria,
    saved_with,
    section_text,
    sign_in_user,
    the_version,
)
from tests.support.portfolios import World


def test_portfolio_submitted_reviewed_blind_adjudicated_and_reported(
    page: Page, browser: Browser, live_server: str, app: Flask, world: World, make_user
) -> None:
    criteria = rubric_criteria(app)
    candidate = world.candidate

    # 1. The candidate writes every section; the autosave keeps it across a reload.
    sign_in_user(page, candidate)
    page.goto("/portfolio/")
    expect(page.get_by_role("heading", level=1, name="Your design portfolio")).to_be_visible()
    assert_accessible(page)
    first, *others = criteria
    page.get_by_label(f"Your {first.title.lower()}", exact=True).press_sequentially(section_text(first.code))
    for criterion in others[:-1]:
        page.get_by_label(f"Your {criterion.title.lower()}", exact=True).fill(section_text(criterion.code))
    last = others[-1]
    with page.expect_response(saved_with(section_text(last.code))) as saved:
        page.get_by_label(f"Your {last.title.lower()}", exact=True).fill(section_text(last.code))
    assert saved.value.ok
    expect(page.get_by_role("status").filter(has_text="Draft saved at")).to_be_visible()

    page.reload()
    for criterion in criteria:
        expect(page.get_by_label(f"Your {criterion.title.lower()}", exact=True)).to_have_value(
            section_text(criterion.code)
        )
    expect(page.get_by_role("status").filter(has_text="Draft last saved")).to_be_visible()

    # Evidence: a PDF whose file name and metadata (Info, XMP, annotations) give its author away;
    # assessors must never see either.
    original = pdf_with_metadata()
    assert leaks(original) == set(PLANTED)
    page.get_by_label("File", exact=True).set_input_files(
        files=[{"name": UPLOAD_NAME, "mimeType": "application/pdf", "buffer": original}]
    )
    page.get_by_label("Evidence for").select_option(label=first.title)
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("status").filter(has_text=f"{UPLOAD_NAME} was added to your evidence.")).to_be_visible()
    files = page.get_by_role("table", name="Files in your draft")
    expect(files.get_by_role("rowheader", name=UPLOAD_NAME)).to_be_visible()
    expect(files.get_by_role("cell", name=first.code, exact=True)).to_be_visible()
    # The header's white link style once leaked here: white on white, the button was invisible.
    expect(files.get_by_role("button", name=f"Remove {UPLOAD_NAME}")).not_to_have_css("color", "rgb(255, 255, 255)")
    assert_accessible(page)

    page.get_by_label(re.compile("^This portfolio is my own work")).check()
    page.get_by_role("button", name="Submit version 1").click()
    expect(page.get_by_role("heading", level=1, name="Portfolio version 1")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Version 1 was submitted for assessment.")).to_be_visible()
    expect(page.get_by_text("Two assessors are scoring your portfolio independently")).to_be_visible()
    with page.expect_download() as own_download:
        page.get_by_role("link", name=UPLOAD_NAME).click()
    assert Path(own_download.value.path()).read_bytes() == original  # the candidate keeps their file as uploaded
    assert_accessible(page)

    version_id, ref = the_version(app, candidate)
    expect(page.get_by_text(f"Reference {ref}")).to_be_visible()
    allocations = world.allocations(version_id)
    assert [a.role for a in allocations] == ["first", "second"]
    people = {u.id: u for u in [*world.assessors, world.adjudicator]}
    first_assessor, second_assessor = (people[a.assessor_id] for a in allocations)
    reviewers = [*world.assessors, world.adjudicator]
    identities = [candidate.name, *candidate.name.split(), candidate.email, UPLOAD_NAME, "signoff"]

    # 2. Two assessors review independently, never seeing who wrote the portfolio.
    with browser_of(browser, live_server, first_assessor) as assessor:
        assessor.goto("/review/")
        expect(assessor.get_by_role("heading", level=1, name="Your reviews")).to_be_visible()
        todo = assessor.get_by_role("table", name="Reviews waiting for you")
        expect(todo.get_by_role("cell", name="Independent review")).to_be_visible()
        expect_absent(assessor, *identities)
        assert_accessible(assessor)
        todo.get_by_role("link", name=ref).click()

        expect(assessor.get_by_role("heading", level=1, name=f"Review {ref}")).to_be_visible()
        expect(assessor.get_by_text(section_text(last.code))).to_be_visible()
        expect_absent(assessor, *identities)
        evidence = assessor.get_by_role("link", name="evidence-1.pdf")
        expect(evidence).to_be_visible()
        with assessor.expect_download() as download_info:
            evidence.click()
        download = download_info.value
        assert download.suggested_filename == "evidence-1.pdf"
        received = Path(download.path()).read_bytes()
        assert received.startswith(b"%PDF-") and leaks(received) == set()  # a copy without identifying metadata
        assert_accessible(assessor)

        review_in(assessor, criteria, {c.code: 3 for c in criteria}, "Assessor one: proficient throughout.")
        expect(assessor.get_by_role("heading", level=1, name="Your reviews")).to_be_visible()
        expect(assessor.get_by_role("status").filter(has_text=f"Your review of {ref} was submitted.")).to_be_visible()
        expect(assessor.get_by_text("Nothing is waiting for you.")).to_be_visible()
        assert_accessible(assessor)

    with browser_of(browser, live_server, second_assessor) as assessor:
        assessor.goto("/review/")
        assessor.get_by_role("table", name="Reviews waiting for you").get_by_role("link", name=ref).click()
        expect(assessor.get_by_role("heading", level=1, name=f"Review {ref}")).to_be_visible()
        # Independent: nothing of the first review shows.
        expect(assessor.get_by_role("heading", name="The independent reviews")).to_have_count(0)
        expect(assessor.get_by_text("Assessor one: proficient throughout.")).to_have_count(0)
        expect_absent(assessor, *identities, first_assessor.name)
        assert_accessible(assessor)
        levels = {c.code: 3 for c in criteria} | {first.code: 1}
        review_in(assessor, criteria, levels, "Assessor two: the business metric is missing.")
        expect(assessor.get_by_role("status").filter(has_text=f"Your review of {ref} was submitted.")).to_be_visible()

    # The disagreement (levels 3 and 1, pass and fail) is with the adjudicator; the candidate is told.
    page.reload()
    expect(page.get_by_text("a third, senior assessor is deciding")).to_be_visible()
    assert [a.role for a in world.allocations(version_id)] == ["first", "second", "adjudicator"]

    # 3. The adjudicator weighs both reviews, labelled by part, and decides.
    with browser_of(browser, live_server, world.adjudicator) as adjudicator:
        adjudicator.goto("/review/")
        todo = adjudicator.get_by_role("table", name="Reviews waiting for you")
        expect(todo.get_by_role("cell", name="Adjudication")).to_be_visible()
        todo.get_by_role("link", name=ref).click()
        expect(adjudicator.get_by_role("heading", level=1, name=f"Adjudicate {ref}")).to_be_visible()
        both = adjudicator.get_by_role("table", name="Levels given by each assessor")
        expect(both.get_by_role("columnheader")).to_have_text(["Criterion", "Assessor A", "Assessor B"])
        disputed = both.get_by_role("row").filter(has=adjudicator.get_by_role("rowheader", name=first.title))
        expect(disputed.get_by_role("cell")).to_have_text(["3", "1"])
        adjudicator.get_by_text("Assessor B's comments").click()
        expect(adjudicator.get_by_text("Assessor two: the business metric is missing.")).to_be_visible()
        expect_absent(adjudicator, *identities, first_assessor.name, second_assessor.name)
        assert_accessible(adjudicator)
        levels = {c.code: 3 for c in criteria} | {first.code: 2}
        review_in(adjudicator, criteria, levels, "Adjudicator: the metric has no baseline yet.")
        expect(
            adjudicator.get_by_role("status").filter(has_text=f"Your review of {ref} was submitted.")
        ).to_be_visible()

    # 4. The candidate reads the decision and the feedback, labelled by part, never by name.
    page.reload()
    expect(page.get_by_role("status").filter(has_text="Not passed yet.")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="What to do next")).to_be_visible()
    expect(
        page.get_by_role("heading", level=3, name=re.compile(rf"^{re.escape(first.title)}: level 2"))
    ).to_contain_text("below the standard")
    for criterion in others:
        expect(page.get_by_role("heading", level=3, name=f"{criterion.title}: level 3 (Proficient)")).to_be_visible()
    disputed = page.get_by_role("region", name=re.compile(rf"^{re.escape(first.title)}: level 2"))
    expect(disputed.get_by_text("To reach level 3:")).to_be_visible()
    expect(disputed.locator(".feedback-title")).to_have_text(["Assessor A", "Assessor B", "Adjudicator"])
    expect(disputed).to_contain_text(f"Level 1 on {first.code}: see the evidence cited.")
    expect(page.get_by_text("Adjudicator: the metric has no baseline yet.")).to_be_visible()
    expect(page.get_by_role("button", name="Lodge appeal")).to_be_visible()
    for person in reviewers:
        expect_absent(page, person.name, person.email)
    assert_accessible(page)

    # 5. An administrator sees the agreement figures and the decision.
    admin = make_user(roles=("admin",), name="Dana Okafor", email="dana@example.org")
    with browser_of(browser, live_server, admin) as office:
        office.goto("/admin/agreement")
        expect(office.get_by_role("heading", level=1, name="Assessor agreement")).to_be_visible()
        summary = office.locator(".summary-list > div")
        expect(summary.filter(has_text="Double-marked versions").get_by_role("definition")).to_have_text("1")
        expect(summary.filter(has_text="Pairs of levels").get_by_role("definition")).to_have_text(str(len(criteria)))
        exact = f"{100 * (len(criteria) - 1) / len(criteria):.1f}%"
        expect(summary.filter(has_text="Exact agreement").get_by_role("definition")).to_have_text(exact)
        expect(summary.filter(has_text="Quadratic weighted kappa").get_by_role("definition")).to_have_text(
            re.compile(r"^(n/a|-?\d\.\d{3}) \(")
        )
        by_criterion = office.get_by_role("table", name="Agreement on each rubric criterion")
        expect(by_criterion.get_by_role("rowheader")).to_have_text([f"{c.code}: {c.title}" for c in criteria])
        row = by_criterion.get_by_role("row").filter(
            has=office.get_by_role("rowheader", name=f"{first.code}: {first.title}")
        )
        expect(row.get_by_role("cell").nth(0)).to_have_text("1")
        expect(row.get_by_role("cell").nth(1)).to_have_text("0.0%")
        pairs = office.get_by_role("table", name="Agreement between assessors who marked the same portfolios")
        expect(pairs.get_by_role("rowheader")).to_have_text([f"{first_assessor.name} and {second_assessor.name}"])
        assert_accessible(office)

        office.goto("/admin/portfolios")
        expect(office.get_by_role("heading", level=1, name="Portfolios")).to_be_visible()
        listed = office.get_by_role("table", name="Submitted portfolio versions, newest first")
        entry = listed.get_by_role("row").filter(has=office.get_by_role("rowheader", name=ref))
        expect(entry.get_by_role("cell")).to_have_text([candidate.name, re.compile(r"\d{4}"), "Decided", "Not passed"])
        assert_accessible(office)
        entry.get_by_role("link", name=ref).click()

        expect(office).to_have_url(re.compile(rf"/admin/portfolios/{version_id}$"))
        expect(office.get_by_role("heading", level=1, name=f"Portfolio {ref}")).to_be_visible()
        facts = office.locator(".summary-list > div")
        expect(facts.filter(has_text="Candidate").get_by_role("definition")).to_have_text(
            f"{candidate.name} ({candidate.email})"
        )
        expect(facts.filter(has_text="State").get_by_role("definition")).to_have_text("Decided")
        expect(office.get_by_role("heading", level=2, name="Decision")).to_be_visible()
        expect(office.get_by_text(re.compile(r"^Not passed on "))).to_be_visible()
        expect(office.get_by_role("listitem").filter(has_text=f"{first.title}: level 2")).to_be_visible()
        who = office.get_by_role("table", name="Who assesses this version")
        expect(who.get_by_role("rowheader")).to_have_text(
            [first_assessor.name, second_assessor.name, world.adjudicator.name]
        )
        assert_accessible(office)


def test_submitting_an_unfinished_portfolio_explains_what_is_missing(page: Page, world: World) -> None:
    sign_in_user(page, world.candidate)
    page.goto("/portfolio/")
    page.get_by_label(re.compile("^This portfolio is my own work")).check()
    page.get_by_role("button", name="Submit version 1").click()

    expect(page.get_by_role("alert")).to_contain_text("Write every section before submitting")
    expect(page.get_by_role("alert")).to_contain_text(", ".join(world.codes))
    expect(page.get_by_role("heading", level=1, name="Your design portfolio")).to_be_visible()
    expect(page.get_by_role("heading", name="Submitted versions")).to_have_count(0)
    assert_accessible(page)


def test_a_new_assessor_calibrates_on_the_anchor_portfolios(page: Page, app: Flask, world: World) -> None:
    newcomer = world.assessors[2]  # holds the role, not yet calibrated
    with app.app_context():
        rubric = get_rubric()
        assert rubric is not None
        names = {int(level): str(name) for level, name in rubric.level_names.items()}
        anchors = [
            (a.title, dict(a.reference_levels))
            for a in db.session.scalars(select(AnchorPortfolio).order_by(AnchorPortfolio.slug))
        ]
    criteria = rubric_criteria(app)
    sign_in_user(page, newcomer)
    page.goto("/review/")
    expect(page.get_by_role("status").filter(has_text="Calibrate first.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Start calibration").click()

    expect(page.get_by_role("heading", level=1, name="Assessor calibration")).to_be_visible()
    assert_accessible(page)
    for position, (title, reference_levels) in enumerate(anchors, start=1):
        anchor = page.get_by_role("region", name=f"Anchor {position}: {title}")
        for criterion in criteria:
            level = int(reference_levels[criterion.code])
            group = anchor.get_by_role("group", name=f"Level for {criterion.title.lower()}")
            group.get_by_role("radio", name=f"{level}, {names[level]}").check()
    page.get_by_role("button", name="Submit calibration").click()

    expect(page.get_by_role("status").filter(has_text="Calibrated.")).to_contain_text("100 %")
    for title, _levels in anchors:
        expect(page.get_by_role("table", name=title)).to_be_visible()
    expect(page.get_by_text("differs")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("link", name="Back to your reviews").click()
    expect(page.get_by_text("You are calibrated")).to_be_visible()


def test_portfolio_administration_pages_are_accessible(page: Page, world: World, make_user) -> None:
    admin = make_user(roles=("admin",), name="Dana Okafor", email="dana@example.org")
    reviewers = [*world.assessors, world.adjudicator]
    sign_in_user(page, admin)
    for path, heading in [
        ("/admin/portfolios", "Portfolios"),
        ("/admin/agreement", "Assessor agreement"),
        ("/admin/assessors", "Assessors"),
        ("/admin/appeals", "Appeals"),
        ("/admin/conflicts", "Conflicts of interest"),
    ]:
        page.goto(path)
        expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
        assert_accessible(page)
        if path == "/admin/assessors":
            table = page.get_by_role("table", name=f"{len(reviewers)} assessors")
            expect(table.get_by_role("rowheader")).to_have_text([p.name for p in reviewers])
            uncalibrated = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name=reviewers[2].name))
            expect(uncalibrated.get_by_role("cell").first).to_have_text("No")
    expect(page.get_by_label("Assessor", exact=True).get_by_role("option")).to_have_text(
        ["Choose…", *sorted(p.name for p in reviewers)]
    )
