"""Outcome dashboards over a small, hand-worked population; their CSV/XLSX downloads; cohorts; the SVG charts.

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
import importlib
import importlib.util
import io
import re
import zipfile
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

import pytest

from certify.analysis.charts import Bar, HeatCell, bar_chart, gain_chart, heatmap_chart
from certify.analysis.export import column_letter, csv_cell, sheet_names, xlsx_bytes
from certify.analysis.models import Cohort, CohortMember
from certify.assessments.attempt_models import Attempt, AttemptScore
from certify.assessments.models import Assessment
from certify.auth.models import User
from certify.certificates.models import Certificate
from certify.course.models import CourseCompletion
from certify.database import utcnow
from certify.extensions import db
from certify.portfolios.models import Portfolio, PortfolioVersion
from certify.review.models import Resolution
from tests.core.samples import BANK
from tests.exams.conftest import EXAM
from tests.helpers import post_form, text

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
def admin(make_user, auth):
    user = make_user(roles=("admin",), name="Dana Okafor")
    auth.login_as(user)
    return user


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def _section(client, section: str, **filters) -> list[list[str]]:
    return _csv(client.get("/admin/reports/outcomes.csv", query_string={"section": section, **filters}))


def _typed(row: list[str]) -> list[object]:
    """A CSV row as the XLSX holds it: numbers as floats, trailing empty cells dropped."""
    values: list[object] = [float(v) if re.fullmatch(r"-?\d+(\.\d+)?", v) else v for v in row]
    while values and values[-1] == "":
        values.pop()
    return values


def _sheets(data: bytes) -> dict[str, list[list[object]]]:
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


def test_funnel_counts_and_median_days_between_steps(client, admin, population):
    assert _section(client, "funnel") == [
        ["Step", "Candidates", "% of registered", "Median days from previous step"],
        ["Registered", "5", "100.0", ""],
        ["Course complete", "4", "80.0", "15.0"],  # 10, 20, 40, 5 days
        ["Exam passed", "3", "60.0", "12.0"],  # Ada 30, Ben 4, Eve 12; Cleo never passed
        ["Portfolio passed", "3", "60.0", "2.0"],  # Ada 10, Ben 0 (passed before his exam), Eve 2
        ["Certified", "3", "60.0", "7.0"],  # Ada 2, Ben 11, Eve 7
    ]


def test_first_attempt_pass_rate_and_certificates(client, admin, population):
    assert _section(client, "first_attempt")[1:] == [
        ["Candidates with a scored first attempt", "4"],
        ["Passed at the first attempt", "2"],  # Ben and Eve; Ada and Cleo failed their first
        ["First-attempt pass rate %", "50.0"],
    ]
    assert _section(client, "certificates")[1:] == [
        ["Issued (all time)", "6"],
        ["Active", "3"],
        ["Active, expiring within 90 days", "2"],
        ["Renewed (replaced by a successor)", "1"],
        ["Suspended", "1"],
        ["Revoked", "1"],
        ["Expired", "1"],
    ]


def test_learning_gain_per_competency(client, admin, population):
    rows = {row[0]: row[1:] for row in _section(client, "gain")[1:]}
    # RA: g = 30/60, 40/80, 30/50 -> mean 0.533; means 36.7 -> 70.0, (70 - 36.67) / 63.33 = 0.526
    assert rows["RA"] == ["3", "0", "36.7", "70.0", "0.533", "0.526"]
    # PA: Ada (50 -> 40) -0.2, Eve (50 -> 50) 0; Ben's 100 has nothing left to gain
    assert rows["PA"] == ["2", "1", "50.0", "45.0", "-0.1", "-0.1"]
    assert rows["EV"] == ["0", "0", "", "", "", ""]


def test_mastery_heatmap_by_cohort_uses_the_latest_attempt(client, admin, population):
    rows = {(r[0], r[1]): r[2:] for r in _section(client, "mastery")[1:]}
    assert rows[("All candidates", "RA")] == ["4", "3", "75.0", "65.0"]  # 90, 60, 30*, 80
    assert rows[("All candidates", "PA")] == ["4", "4", "100.0", "72.5"]
    assert rows[("Acme", "RA")] == ["2", "1", "50.0", "60.0"]
    assert rows[("'=Beta+1", "RA")] == ["2", "2", "100.0", "70.0"]  # a formula-like name is defused
    assert rows[("All candidates", "EV")] == ["0", "0", "", ""]


def test_choosing_a_cohort_narrows_every_section(client, admin, population):
    acme = {"cohort": population.acme}
    assert [r[1:] for r in _section(client, "funnel", **acme)[1:]] == [
        ["2", "100.0", ""],
        ["2", "100.0", "25.0"],
        ["1", "50.0", "30.0"],
        ["1", "50.0", "10.0"],
        ["1", "50.0", "2.0"],
    ]
    mastery = _section(client, "mastery", **acme)
    assert mastery[0][0] == "Candidate"  # a small cohort is shown one candidate per row
    assert {(r[0], r[1]): r[4] for r in mastery[1:] if r[1] == "RA"} == {("Ada", "RA"): "100.0", ("Cleo", "RA"): "0.0"}
    assert _section(client, "first_attempt", **acme)[3] == ["First-attempt pass rate %", "0.0"]
    assert _section(client, "certificates", **acme)[1:4] == [
        ["Issued (all time)", "1"],
        ["Active", "1"],
        ["Active, expiring within 90 days", "1"],
    ]


def test_registration_dates_narrow_the_population_inclusively(client, admin, population):
    window = {"from": "2024-02-01", "to": "2024-03-01"}  # Cleo and Dev
    assert [r[1:] for r in _section(client, "funnel", **window)[1:3]] == [["2", "100.0", ""], ["1", "50.0", "40.0"]]
    assert _section(client, "certificates", **window)[1] == ["Issued (all time)", "1"]
    assert _section(client, "certificates", **window)[7] == ["Expired", "1"]
    assert _section(client, "filters", **window)[2:4] == [
        ["Registered from", "2024-02-01"],
        ["Registered to", "2024-03-01"],
    ]


def test_the_page_shows_charts_beside_tables_with_the_same_figures(client, admin, population):
    response = client.get("/admin/reports/outcomes")
    assert response.status_code == 200
    body = text(response)
    assert body.count('<svg xmlns="http://www.w3.org/2000/svg" role="img"') == 3
    for chart in ("funnel-chart", "mastery-chart", "gain-chart"):
        assert f'aria-labelledby="{chart}-title {chart}-desc"' in body
        assert f'<title id="{chart}-title">' in body
    assert "style=" not in body
    assert ">4 (80.0%)</text>" in body  # the funnel bar prints its figure
    assert "<td>4</td><td>80.0</td><td>15.0</td>" in body  # and the table beside it agrees
    assert "75.0% (3 of 4; mean 65.0%)" in body
    assert ">+0.53 (n=3)</text>" in body
    assert "<dt>First-attempt pass rate</dt><dd>50.0%</dd>" in body


def test_xlsx_holds_the_same_numbers_as_the_csv(client, admin, population):
    response = client.get("/admin/reports/outcomes.xlsx", query_string={"cohort": population.acme})
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheets = _sheets(response.data)
    assert list(sheets) == [
        "Filters",
        "Certification funnel",
        "Competency mastery (latest cert",
        "Learning gain (diagnostic pre-t",
        "First-attempt pass rate (certif",
        "Certificates",
    ]
    assert sheets["Filters"][1] == ["Cohort", "Acme"]
    funnel = sheets["Certification funnel"]
    assert funnel[0] == ["Step", "Candidates", "% of registered", "Median days from previous step"]
    assert funnel[1] == ["Registered", 2.0, 100.0]  # an empty cell is left out
    assert funnel[2] == ["Course complete", 2.0, 100.0, 25.0]  # numbers are numeric cells
    sections = ["funnel", "mastery", "gain", "first_attempt", "certificates"]
    for section, rows in zip(sections, list(sheets.values())[1:], strict=True):
        assert [_typed(r) for r in _section(client, section, cohort=population.acme)] == rows, section
    if importlib.util.find_spec("openpyxl"):  # not a dependency; a second opinion when it happens to be there
        importlib.import_module("openpyxl").load_workbook(io.BytesIO(response.data))


def test_one_long_csv_holds_every_section(client, admin, population):
    rows = _csv(client.get("/admin/reports/outcomes.csv"))
    assert rows[0] == ["Section", "Row", "Measure", "Value"]
    assert ["Certification funnel", "Course complete", "Median days from previous step", "15.0"] in rows
    assert ["Competency mastery (latest certification attempt)", "Acme / RA", "% met mastery", "50.0"] in rows
    assert ["Certificates", "Revoked", "Certificates", "1"] in rows


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"cohort": "999999"}, "There is no cohort “999999”"),
        ({"cohort": "acme"}, "There is no cohort “acme”"),
        ({"from": "2024-13-01"}, "Registered from “2024-13-01” is not a date"),
        ({"from": "2024-05-01", "to": "2024-04-01"}, "is after “Registered to”"),
    ],
)
@pytest.mark.parametrize(
    "path", ["/admin/reports/outcomes", "/admin/reports/outcomes.csv", "/admin/reports/outcomes.xlsx"]
)
def test_bad_filters_are_refused_with_the_typed_values_kept(client, admin, population, query, message, path):
    response = client.get(path, query_string=query)
    assert response.status_code == 400
    body = text(response)
    assert message in body
    for value in query.values():
        if "-" in value:
            assert f'value="{value}"' in body


def test_an_unknown_section_is_refused(client, admin, population):
    response = client.get("/admin/reports/outcomes.csv?section=nope")
    assert response.status_code == 400
    assert "There is no report section “nope”" in text(response)


def test_an_empty_platform_reports_zeroes_not_errors(client, admin):
    assert client.get("/admin/reports/outcomes").status_code == 200
    assert _section(client, "first_attempt")[3] == ["First-attempt pass rate %", ""]


# Cohorts


def _cohort_id(app, name: str) -> int:
    with app.app_context():
        return db.session.query(Cohort).filter_by(name=name).one().id


def test_admin_creates_a_cohort_and_adds_members_by_email(app, client, admin, make_user):
    make_user(email="ana@example.org", name="Ana")
    make_user(email="bo@example.org", name="Bo")
    response = post_form(client, "/admin/cohorts", {"name": "  Northwind   Intake ", "description": "Spring"})
    assert response.status_code == 302
    cohort_id = _cohort_id(app, "Northwind Intake")
    pasted = "ANA@example.org\n\n bo@example.org \nana@example.org\n"
    response = post_form(
        client, f"/admin/cohorts/{cohort_id}", {"action": "add", "emails": pasted}, follow_redirects=True
    )
    assert "Added 2 member(s)." in text(response)
    response = post_form(
        client, f"/admin/cohorts/{cohort_id}", {"action": "add", "emails": "bo@example.org"}, follow_redirects=True
    )
    assert "Added 0 member(s). 1 already belonged to it." in text(response)
    listing = text(client.get("/admin/cohorts"))
    assert re.search(r"Northwind Intake</a></th>\s*<td>2</td>", listing)


def test_unknown_emails_are_reported_and_nobody_is_added(app, client, admin, make_user):
    make_user(email="ana@example.org")
    post_form(client, "/admin/cohorts", {"name": "Acme"})
    cohort_id = _cohort_id(app, "Acme")
    pasted = "ana@example.org\nghost@example.org\nnot-an-email"
    response = post_form(client, f"/admin/cohorts/{cohort_id}", {"action": "add", "emails": pasted})
    assert response.status_code == 400
    assert "Not email addresses: not-an-email. Nobody was added." in text(response)
    response = post_form(
        client, f"/admin/cohorts/{cohort_id}", {"action": "add", "emails": "ana@example.org\nghost@example.org"}
    )
    assert response.status_code == 400
    body = text(response)
    assert "No account uses: ghost@example.org. Nobody was added." in body
    assert "ana@example.org\nghost@example.org</textarea>" in body  # what was typed is kept
    with app.app_context():
        assert db.session.query(CohortMember).count() == 0


@pytest.mark.parametrize(
    ("name", "message"),
    [("   ", "Give the cohort a name."), ("acme", "A cohort called “Acme” already exists"), ("x" * 121, "at most 120")],
)
def test_bad_cohort_names_are_refused(app, client, admin, name, message):
    post_form(client, "/admin/cohorts", {"name": "Acme"})
    response = post_form(client, "/admin/cohorts", {"name": name, "description": "kept text"})
    assert response.status_code == 400
    assert message in text(response)
    assert "kept text</textarea>" in text(response)


def test_rename_and_remove_a_member(app, client, admin, make_user):
    member = make_user(email="ana@example.org", name="Ana Lima")
    post_form(client, "/admin/cohorts", {"name": "Acme"})
    post_form(client, "/admin/cohorts", {"name": "Beta"})
    cohort_id = _cohort_id(app, "Acme")
    url = f"/admin/cohorts/{cohort_id}"
    post_form(client, url, {"action": "add", "emails": "ana@example.org"})
    response = post_form(client, url, {"action": "rename", "name": "Beta", "description": ""})
    assert response.status_code == 400
    assert 'value="Beta"' in text(response)
    assert post_form(client, url, {"action": "rename", "name": "Acme Ltd", "description": "HQ"}).status_code == 302
    response = post_form(client, url, {"action": "remove", "user_id": str(member.id)}, follow_redirects=True)
    assert "Removed Ana Lima from the cohort." in text(response)
    assert post_form(client, url, {"action": "remove", "user_id": str(member.id)}).status_code == 400
    assert post_form(client, url, {"action": "explode"}).status_code == 400
    with app.app_context():
        assert db.session.get(Cohort, cohort_id).name == "Acme Ltd"


def test_unknown_cohort_is_not_found(client, admin):
    assert client.get("/admin/cohorts/999999").status_code == 404


# Charts and exports, without the app


def test_charts_are_labelled_escaped_and_free_of_inline_style():
    svg = str(
        heatmap_chart(
            "heat",
            "Mastery <b>",
            'desc "quoted"',
            ["<script>alert(1)</script>"],
            ["RA", "PA"],
            [[HeatCell(0.75, "75%"), HeatCell(None, "-")]],
        )
    )
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="heat-title heat-desc"')
    assert '<title id="heat-title">Mastery &lt;b&gt;</title>' in svg
    assert '<desc id="heat-desc">desc &#34;quoted&#34;</desc>' in svg
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert 'class="heat-cell heat-3"' in svg and 'class="heat-cell heat-none"' in svg
    assert ">75%</text>" in svg
    for chart in (
        svg,
        str(bar_chart("bars", "T", "D", [Bar("Registered", 5, "5 (100%)"), Bar("None", None, "0")])),
        str(gain_chart("gain", "T", "D", [Bar("RA", 0.5, "+0.50"), Bar("PA", -3.0, "-3.00"), Bar("EV", None, "-")])),
    ):
        assert "style=" not in chart and "<title" in chart and "<desc" in chart and 'role="img"' in chart
        ElementTree.fromstring(chart)  # noqa: S314 - well-formed XML


def test_csv_cells_that_look_like_formulas_are_defused():
    assert [csv_cell(v) for v in ("=1+1", "+1", "-x", "@SUM(A1)", "\tx", "plain", -0.5, 3, None)] == [
        "'=1+1",
        "'+1",
        "'-x",
        "'@SUM(A1)",
        "'\tx",
        "plain",
        -0.5,
        3,
        "",
    ]


def test_xlsx_writer_keeps_types_and_escapes_text():
    data = xlsx_bytes(
        [
            ("Data: [1/2]?", ["Name", "Value"], [['<&> "q" \x01', 1.5], ["=cmd", 2], ["ok", None], ["flag", True]]),
            ("Data: [1/2]?", ["x"], []),
        ]
    )
    sheets = _sheets(data)
    assert list(sheets) == ["Data   1 2", "Data   1 2 (2)"]
    rows = sheets["Data   1 2"]
    assert rows[1] == ['<&> "q" ', 1.5]
    assert rows[2] == ["=cmd", 2.0]  # an inline string is never evaluated
    assert rows[3] == ["ok"]
    assert rows[4] == ["flag", 1.0]


def test_sheet_names_and_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]
    assert sheet_names(["", "a" * 40, "A" * 40]) == ["Sheet1", "a" * 31, "A" * 27 + " (2)"]
