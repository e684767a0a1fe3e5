"""Every absolute link follows the address served when CERTIFY_BASE_URL is unset (`make run PORT=5101`)."""

from __future__ import annotations

import html
import os
import re
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import segno

from certify.certificates import pdf
from certify.config import ConfigError, load_config
from tests.support.certificates import issue_now, mail_to, readable_pdf
from tests.support.helpers import post_form, text

ROOT = Path(__file__).resolve().parents[2]
BASE = "http://127.0.0.1:5101"


@pytest.fixture
def app(app_factory, monkeypatch):
    """The app as `make run PORT=5101` starts it: flask run's own variables set, no CERTIFY_BASE_URL."""
    monkeypatch.delenv("CERTIFY_BASE_URL", raising=False)
    monkeypatch.setenv("FLASK_RUN_HOST", "127.0.0.1")
    monkeypatch.setenv("FLASK_RUN_PORT", "5101")
    return app_factory()


def test_make_run_hands_host_and_port_to_flask_run(tmp_path):
    fake = tmp_path / "bin"
    fake.mkdir()
    for name in ("flask",):
        script = fake / name
        script.write_text('#!/bin/sh\necho "flask $* host=$FLASK_RUN_HOST port=$FLASK_RUN_PORT"\n')
        script.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_RUN_", "MAKE"))}
    done = subprocess.run(
        ["make", "-s", "-o", ".venv/.installed-runtime", "run", "PORT=5101", f"BIN={fake}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )

    assert "flask --app wsgi run host=127.0.0.1 port=5101" in done.stdout
    assert "http://127.0.0.1:5101/" in done.stdout


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "http://127.0.0.1:5000"),
        ({"FLASK_RUN_PORT": "5101"}, "http://127.0.0.1:5101"),
        ({"FLASK_RUN_HOST": "localhost", "FLASK_RUN_PORT": "8080"}, "http://localhost:8080"),
        ({"FLASK_RUN_HOST": "0.0.0.0", "FLASK_RUN_PORT": "5101"}, "http://127.0.0.1:5101"),  # noqa: S104
        ({"FLASK_RUN_HOST": "::1", "FLASK_RUN_PORT": "5101"}, "http://[::1]:5101"),
        ({"FLASK_RUN_PORT": "5101", "CERTIFY_BASE_URL": "https://certify.example.org/"}, "https://certify.example.org"),
    ],
)
def test_base_url_follows_the_served_address_unless_set(tmp_path, env, expected):
    assert load_config({"CERTIFY_ENV": "testing", **env}, str(tmp_path))["BASE_URL"] == expected


@pytest.mark.parametrize("port", ["fifty", "0", "70000"])
def test_a_port_that_is_no_port_is_a_configuration_error(tmp_path, port):
    with pytest.raises(ConfigError, match="FLASK_RUN_PORT"):
        load_config({"CERTIFY_ENV": "testing", "FLASK_RUN_PORT": port}, str(tmp_path))


def test_every_absolute_link_carries_the_served_port(certification, monkeypatch):
    world = certification.world
    drawn: list[str] = []
    make = segno.make

    def spy(content, **options):
        drawn.append(content)
        return make(content, **options)

    monkeypatch.setattr(pdf.segno, "make", spy)
    certification.make_eligible(world.candidate)
    issued = issue_now(world.app, world.candidate, certification.admin)
    verify_url = f"{BASE}/verify/{issued.code}"
    client = world.app.test_client()

    assert issued.credential["id"] == f"{BASE}/credentials/{issued.code}.json"
    assert issued.credential["issuer"]["id"] == f"{BASE}/issuer"
    assert issued.credential["proof"][0]["verificationMethod"] == f"{BASE}/issuer#key-1"
    assert client.get("/issuer", headers={"Accept": "application/ld+json"}).get_json()["id"] == f"{BASE}/issuer"
    assert drawn == [verify_url]  # the QR code
    document = client.get(f"/credentials/{issued.code}.pdf").data
    assert f"/URI ({verify_url})".encode() in readable_pdf(document)  # the printed verification link
    holder = world.client_for(world.candidate)
    body = text(holder.get("/certificates/"))
    assert f'value="{verify_url}"' in body
    (linkedin,) = re.findall(r'href="(https://www\.linkedin\.com/profile/add\?[^"]+)"', body)
    assert parse_qs(urlsplit(html.unescape(linkedin)).query)["certUrl"] == [verify_url]
    admin = world.client_for(certification.admin)
    post_form(admin, f"/admin/certificates/{issued.serial}/revoke", {"reason": "Testing the links in the mail."})
    *_, (subject, mail) = mail_to(world.app, world.candidate.email)
    assert "revoked" in subject and verify_url in mail
