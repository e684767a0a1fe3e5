"""The hand-worked population behind the outcome dashboard tests, and readers for their CSV/XLSX downloads.

The population (all dates 2024, noon UTC; "d" = days after the previous funnel step):

    who   cohort  registered course      exam attempts (RA, PA %)              portfolio  certificates
    Ada   Acme    01-01      01-11 10d   #1 01-21 fail (70, 40*) #2 02-10 pass   02-20 10d  active, expires in 30 days
    Ben   Beta    01-01      01-21 20d   #1 01-25 pass (60, 100)                 01-23 (0d) renewed (+10d), successor
    Cleo  Acme    02-01      03-12 40d   #1 03-20 fail (30*, 60)                 03-15      -
    Dev   -       03-01      -           -                                       -          expired
    Eve   Beta    03-15      03-20 5d    #1 04-01 pass (80, 50)                  04-03 2d   revoked, suspended
    (* = mastery not met; Ada's attempt 2 scored RA 90, PA 80.)

Diagnostic pre-tests (RA, PA): Ada (40, 50), Ben (20, 100), Dev (10, 10), Eve (50, 50).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

import pytest

from certify.assessments.attempt_models import Attempt, AttemptScore
from certify.assessments.models import Assessment
from certify.auth.models import User
from certify.certificates.models import Certificate
from certify.course.models import CourseCompletion
from certify.database import utcnow
from certify.extensions import db
from certify.portfolios.models import Portfolio, PortfolioVersion
from certify.reports.export import column_letter
from certify.reports.models import Cohort, CohortMember
from certify.review.models import Resolution
from tests.support.exams import EXAM
from tests.support.samples import BANK

DIAGNOSTIC = EXAM.replace("slug: exam", "slug: diag").replace("kind: certification", "kind: diagnostic")
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def at(month: int, day: int) -> datetime:
    return datetime(2024, month, day, 12, tzinfo=UTC)


def _scores(ra: float, pa: float, mastery: float = 50.0) -> list[dict]:
    return [
        {"code": code, "percent": value, "mastery": mastery, "met": value >= mastery}
        for code, value in (("RA", ra), ("PA", pa))
    ]


class Population:
    def __init__(self, app, make_user):
        self.app, self.make_user = app, make_user
        self.ids: dict[str, int] = {}
        self.serials = 0

    def people(self, registered: dict[str, datetime]) -> None:
        """Create the accounts (each commits on its own), then backdate their registrations."""
        for name in registered:
            roles = ("assessor",) if name == "Ola" else ("candidate",)
            self.ids[name] = self.make_user(roles=roles, name=name, email=f"{name.lower()}@example.org").id
        with self.app.app_context():
            for name, when in registered.items():
                db.session.get(User, self.ids[name]).created_at = when
            db.session.commit()

    def attempt(self, uid: int, slug: str, number: int, when: datetime, ra: float, pa: float) -> None:
        assessment = db.session.query(Assessment).filter_by(slug=slug).one()
        attempt = Attempt(
            user_id=uid,
            assessment_id=assessment.id,
            number=number,
            open_marker=None,
            seed="seed",
            status="scored",
            started_at=when - timedelta(hours=1),
            deadline=when,
            submitted_at=when,
            cut_score_id=assessment.cut_scores[-1].id,
        )
        db.session.add(attempt)
        db.session.flush()
        attempt.open_marker = None  # closed (the column default would otherwise fill in the explicit None)
        db.session.flush()
        competencies = _scores(ra, pa)
        db.session.add(
            AttemptScore(
                attempt_id=attempt.id,
                points=1,
                max_points=2,
                percent=(ra + pa) / 2,
                cut_percent=50.0,
                passed=all(c["met"] for c in competencies),
                competencies=competencies,
                scored_at=when,
            )
        )

    def portfolio_passed(self, uid: int, when: datetime) -> None:
        portfolio = Portfolio(candidate_id=uid)
        db.session.add(portfolio)
        db.session.flush()
        version = PortfolioVersion(
            portfolio_id=portfolio.id, number=1, sections={}, submitted_at=when, state="resolved"
        )
        db.session.add(version)
        db.session.flush()
        db.session.add(Resolution(version_id=version.id, final_levels={}, passed=True, rule="test", decided_at=when))

    def certificate(self, uid: int, issued: datetime, expires: datetime, status: str = "active", predecessor=None):
        self.serials += 1
        cert = Certificate(
            serial=f"MID-2024-{self.serials:06d}",
            code=f"code-{self.serials:030d}",
            holder_id=uid,
            issued_at=issued,
            expires_at=expires,
            status=status,
            predecessor_id=predecessor.id if predecessor else None,
        )
        db.session.add(cert)
        db.session.flush()
        return cert


@pytest.fixture
def population(app, make_user, load_catalog):
    load_catalog(("sample.yaml", BANK), ("exam.yaml", EXAM), ("diag.yaml", DIAGNOSTIC))
    world = Population(app, make_user)
    now = utcnow()
    # Ola is an assessor, not a candidate: never counted, even as a member of a cohort.
    world.people(
        {"Ada": at(1, 1), "Ben": at(1, 1), "Cleo": at(2, 1), "Dev": at(3, 1), "Eve": at(3, 15), "Ola": at(1, 5)}
    )
    ada, ben, cleo, dev, eve = (world.ids[n] for n in ("Ada", "Ben", "Cleo", "Dev", "Eve"))
    with app.app_context():
        for uid, day in ((ada, at(1, 11)), (ben, at(1, 21)), (cleo, at(3, 12)), (eve, at(3, 20))):
            db.session.add(CourseCompletion(user_id=uid, completed_at=day))
        for uid, (ra, pa) in {ada: (40, 50), ben: (20, 100), dev: (10, 10), eve: (50, 50)}.items():
            world.attempt(uid, "diag", 1, at(1, 2), ra, pa)
        world.attempt(ada, "exam", 1, at(1, 21), 70, 40)
        world.attempt(ada, "exam", 2, at(2, 10), 90, 80)
        world.attempt(ben, "exam", 1, at(1, 25), 60, 100)
        world.attempt(cleo, "exam", 1, at(3, 20), 30, 60)
        world.attempt(eve, "exam", 1, at(4, 1), 80, 50)
        for uid, day in ((ada, at(2, 20)), (ben, at(1, 23)), (cleo, at(3, 15)), (eve, at(4, 3))):
            world.portfolio_passed(uid, day)
        world.certificate(ada, at(2, 22), now + timedelta(days=30))
        first = world.certificate(ben, at(2, 5), now + timedelta(days=10))
        world.certificate(ben, now - timedelta(days=1), now + timedelta(days=1000), predecessor=first)
        world.certificate(eve, at(4, 10), now + timedelta(days=1000), status="revoked")
        world.certificate(eve, at(5, 1), now + timedelta(days=1000), status="suspended")
        world.certificate(dev, datetime(2021, 1, 1, tzinfo=UTC), now - timedelta(days=5))
        acme = Cohort(name="Acme", description="Acme Ltd staff")
        beta = Cohort(name="=Beta+1", description="a name that looks like a formula")
        db.session.add_all([acme, beta])
        db.session.flush()
        members = [(acme, ada), (acme, cleo), (beta, ben), (beta, eve), (beta, world.ids["Ola"])]
        db.session.add_all(CohortMember(cohort_id=c.id, user_id=u) for c, u in members)
        db.session.commit()
        world.acme, world.beta = acme.id, beta.id
    return world


@pytest.fixture
def signed_in_admin(make_user, auth):
    """An admin, signed in on `client`."""
    user = make_user(roles=("admin",), name="Dana Okafor")
    auth.login_as(user)
    return user


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def section_rows(client, section: str, **filters) -> list[list[str]]:
    return csv_rows(client.get("/admin/reports/outcomes.csv", query_string={"section": section, **filters}))


def typed(row: list[str]) -> list[object]:
    """A CSV row as the XLSX holds it: numbers as floats, empty cells as None (none at the end of a row)."""
    values: list[object] = [float(v) if re.fullmatch(r"-?\d+(\.\d+)?", v) else None if v == "" else v for v in row]
    while values and values[-1] is None:
        values.pop()
    return values


def sheet_rows(data: bytes) -> dict[str, list[list[object]]]:
    """Every worksheet of an XLSX as rows of values (numbers as floats, text as str)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "[Content_Types].xml" in archive.namelist()
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))  # noqa: S314 - our own output
        names = [s.get("name") for s in workbook.find("m:sheets", NS)]
        result = {}
        for n, name in enumerate(names, start=1):
            root = ElementTree.fromstring(archive.read(f"xl/worksheets/sheet{n}.xml"))  # noqa: S314
            rows = []
            for row in root.iter(f"{{{NS['m']}}}row"):
                values: list[object] = []
                for cell in row:
                    column = re.match(r"[A-Z]+", cell.get("r")).group()
                    while column_letter(len(values)) != column:
                        values.append(None)
                    if cell.get("t") == "inlineStr":
                        values.append(cell.find("m:is/m:t", NS).text or "")
                    else:
                        values.append(float(cell.find("m:v", NS).text))
                rows.append(values)
            result[name] = rows
    return result
