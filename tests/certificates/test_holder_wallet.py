"""A holder's certificates: downloads, the link to share, LinkedIn, the development log and renewal."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from certify.database import utcnow
from tests.support.certificates import certificate, certificates, issue_now, mail_to, page
from tests.support.helpers import post_form, text


@pytest.fixture
def issued(certification):
    world = certification.world
    certification.make_eligible(world.candidate)
    return issue_now(world.app, world.candidate, certification.admin)


@pytest.fixture
def holder(certification):
    return certification.world.client_for(certification.world.candidate)


def log(client, title: str, day: str, points: object):
    return post_form(client, "/certificates/development", {"title": title, "activity_on": day, "points": str(points)})


def days_ago(days: int) -> str:
    return (utcnow() - timedelta(days=days)).date().isoformat()


def input_value(body: str, name: str) -> str:
    match = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', body)
    assert match, f"no input named {name}"
    value = re.search(r'\bvalue="([^"]*)"', match.group(0))
    return html.unescape(value.group(1)) if value else ""


def test_holder_sees_downloads_the_verification_link_and_linkedin(certification, holder, issued):
    response = holder.get("/certificates/")

    assert response.status_code == 200
    body = text(response)
    assert f'href="/credentials/{issued.code}.pdf" download="{issued.serial}.pdf"' in body
    assert f'href="/credentials/{issued.code}.json" download="{issued.serial}.json"' in body
    base = certification.world.app.config["BASE_URL"]  # the public address, not the one the request came in on
    assert f'value="{base}/verify/{issued.code}"' in body
    (linkedin,) = re.findall(r'href="(https://www\.linkedin\.com/profile/add\?[^"]+)"', body)
    query = parse_qs(urlsplit(html.unescape(linkedin)).query)
    assert query["certId"] == [issued.serial]
    assert query["startTask"] == ["CERTIFICATION_NAME"]
    assert query["name"] == [issued.credential["name"]]
    assert query["issueYear"] == [str(issued.issued_at.year)]
    assert query["expirationYear"] == [str(issued.expires_at.year)]
    assert query["certUrl"][0].endswith(f"/verify/{issued.code}")
    assert "Valid" in page(response) and issued.serial in page(response)


def test_someone_without_a_certificate_is_told_how_to_earn_one(certification, make_user):
    client = certification.world.client_for(make_user())

    assert "You do not hold a certificate yet." in page(client.get("/certificates/"))


def test_wallet_shows_only_the_holders_own_certificates(certification, issued, make_user):
    client = certification.world.client_for(make_user())

    body = text(client.get("/certificates/"))

    assert issued.code not in body and issued.serial not in body


def test_wallet_needs_sign_in(certification):
    response = certification.world.app.test_client().get("/certificates/")

    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")


def test_revoked_certificate_is_shown_without_linkedin_or_renewal(certification, holder, issued):
    admin = certification.world.client_for(certification.admin)
    post_form(admin, f"/admin/certificates/{issued.serial}/revoke", {"reason": "Misconduct found by the panel."})

    body = text(holder.get("/certificates/"))

    assert "Revoked" in body and "Misconduct found by the panel." in body
    assert "linkedin.com" not in body and "Renew this certificate" not in body


def test_development_activity_is_logged(holder, issued):
    response = log(holder, "Workshop: evaluation design", days_ago(10), 12)

    assert response.status_code == 302
    body = page(holder.get("/certificates/"))
    assert "Workshop: evaluation design" in body and "You have logged 12 points in all." in body


@pytest.mark.parametrize(
    ("title", "day", "points", "message"),
    [
        ("", "past", "10", "Describe the activity in 1 to 200 characters."),
        ("   ", "past", "10", "Describe the activity in 1 to 200 characters."),
        ("x" * 201, "past", "10", "Describe the activity in 1 to 200 characters."),
        ("Reading group", "future", "10", "Give the date of the activity (not in the future)."),
        ("Reading group", "31/12/2024", "10", "Give the date of the activity as YYYY-MM-DD."),
        ("Reading group", "", "10", "Give the date of the activity as YYYY-MM-DD."),
        ("Reading group", "past", "0", "Points are a whole number from 1 to 40."),
        ("Reading group", "past", "41", "Points are a whole number from 1 to 40."),
        ("Reading group", "past", "-3", "Points are a whole number from 1 to 40."),
        ("Reading group", "past", "ten", "Points are a whole number from 1 to 40."),
        ("Reading group", "past", "2.5", "Points are a whole number from 1 to 40."),
        ("Reading group", "past", "", "Points are a whole number from 1 to 40."),
    ],
)
def test_bad_development_entries_are_refused_and_the_form_keeps_what_was_typed(
    holder, issued, title, day, points, message
):
    day = {"past": days_ago(3), "future": (utcnow() + timedelta(days=2)).date().isoformat()}.get(day, day)

    response = log(holder, title, day, points)

    assert response.status_code == 400
    assert f"There is a problem {message}" in page(response)
    body = text(response)
    assert input_value(body, "title") == title
    assert input_value(body, "activity_on") == day
    assert input_value(body, "points") == points
    assert "Logged activity" not in body  # nothing was stored


def test_with_auto_approval_forty_points_in_the_window_renew_at_once(certification, holder, issued):
    world = certification.world
    world.app.config["RENEWAL_AUTO_APPROVE"] = True  # CERTIFY_RENEWAL_AUTO_APPROVE=true: no one reviews
    log(holder, "Conference on learning measurement", days_ago(200), 25)
    assert "Renew this certificate" not in text(holder.get("/certificates/"))
    assert "25 of 40 continuing-development points" in page(holder.get("/certificates/"))
    log(holder, "Mentoring two designers", days_ago(20), 15)
    assert "Renew this certificate" in text(holder.get("/certificates/"))

    response = post_form(holder, f"/certificates/{issued.serial}/renew")

    assert response.status_code == 302
    old, new = certificates(world.app)
    assert (old.id, new.predecessor_id, new.holder_id) == (issued.id, issued.id, world.candidate.id)
    assert new.serial != old.serial and new.code != old.code
    assert new.expires_at.year == old.expires_at.year + 3  # the new term starts when the old one ends
    assert old.status == "active"
    wallet = page(holder.get(response.headers["Location"]))
    assert f"Renewed: your new certificate is {new.serial}." in wallet
    assert "Renewal: This certificate has already been renewed." in wallet
    visitor = world.app.test_client()
    assert f"It was renewed as {new.serial}" in page(visitor.get(f"/verify/{old.code}"))
    assert "Valid." in page(visitor.get(f"/verify/{new.code}"))
    assert any(new.serial in subject for subject, _ in mail_to(world.app, world.candidate.email))

    again = post_form(holder, f"/certificates/{issued.serial}/renew")
    assert again.status_code == 409 and "already been renewed" in page(again)
    assert len(certificates(world.app)) == 2


def test_activity_outside_the_window_does_not_count(holder, issued):
    log(holder, "An old course", days_ago(3 * 366 + 10), 40)

    response = post_form(holder, f"/certificates/{issued.serial}/renew")

    assert response.status_code == 409
    assert "0 of 40 continuing-development points" in page(response)


def test_nobody_else_can_renew_a_certificate(certification, issued, make_user):
    world = certification.world
    log(world.client_for(world.candidate), "Conference on learning measurement", days_ago(30), 40)
    stranger = make_user(roles=("candidate",))
    client = world.client_for(stranger)
    log(client, "Padding my own log", days_ago(30), 40)

    response = post_form(client, f"/certificates/{issued.serial}/renew")

    assert response.status_code == 404
    assert len(certificates(world.app)) == 1
    assert post_form(client, "/certificates/MID-1999-000001/renew").status_code == 404
    assert certificate(world.app, issued.serial).status == "active"


def test_a_suspended_certificate_cannot_be_renewed_out_of_its_suspension(certification, holder, issued):
    world = certification.world
    admin = world.client_for(certification.admin)
    post_form(admin, f"/admin/certificates/{issued.serial}/suspend", {"reason": "Under investigation for misconduct."})
    log(holder, "Conference on learning measurement", days_ago(30), 40)

    assert "Renew this certificate" not in text(holder.get("/certificates/"))
    response = post_form(holder, f"/certificates/{issued.serial}/renew")

    assert response.status_code == 409
    assert len(certificates(world.app)) == 1
