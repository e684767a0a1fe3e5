"""A stored PDF is served as stored, and rendered again only after the certificate template changes."""

from __future__ import annotations

from certify.auth.models import User
from certify.certificates.issuing import issue
from certify.certificates.models import Certificate
from certify.certificates.pdf import TEMPLATE_VERSION
from certify.database import utcnow
from certify.extensions import db


def test_pdf_is_rerendered_once_when_the_template_version_changes(certification, app, monkeypatch):
    candidate = certification.world.candidate
    certification.make_eligible(candidate)
    with app.app_context():
        certificate = issue(db.session.get(User, certification.admin.id), db.session.get(User, candidate.id), utcnow())
        db.session.commit()
        code, first = certificate.code, certificate.pdf_sha256
    client = app.test_client()
    calls = []
    import certify.certificates.views as views

    real = views.render_pdf
    monkeypatch.setattr(views, "render_pdf", lambda doc, pdfa=True: calls.append(doc) or real(doc, pdfa=pdfa))
    assert client.get(f"/credentials/{code}.pdf").status_code == 200 and calls == []
    with app.app_context():
        db.session.query(Certificate).update({"template_version": TEMPLATE_VERSION - 1})
        db.session.commit()
    served = client.get(f"/credentials/{code}.pdf")
    assert served.status_code == 200 and served.data.startswith(b"%PDF") and len(calls) == 1
    assert calls[0].serial == certificate.serial and calls[0].verification_url.endswith(f"/verify/{code}")
    client.get(f"/credentials/{code}.pdf")
    assert len(calls) == 1
    with app.app_context():
        stored = db.session.query(Certificate).one()
        assert stored.template_version == TEMPLATE_VERSION and stored.pdf_history[0] == first
