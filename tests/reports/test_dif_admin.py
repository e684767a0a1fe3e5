"""The DIF page: grouping chooser, the table with the planted C item first, the committee note, CSV, access."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from tests.support.dif_population import BANK, EXAM, PLANTED, build_population
from tests.support.helpers import text

PAGE = "/admin/reports/difexam/dif"


@pytest.fixture
def admin(make_user, auth):
    user = make_user(roles=("admin",))
    auth.login_as(user)
    return user


def test_the_page_lists_the_planted_item_first_as_c(app, client, load_catalog, admin, runner):
    build_population(app, load_catalog)
    page = text(client.get(PAGE, query_string={"group": "cohort:Focal"}))
    assert '<option value="cohort:Focal" selected>Cohort: Focal</option>' in page
    assert '<option value="accommodation">Accommodation</option>' in page
    assert "Members of Focal: 500" in page and "1 C, 0 B, 21 A" in page
    assert f"Matching purified of</dt><dd>{PLANTED} v1" in page
    rows = re.findall(r"<tr>\s*<th scope=\"row\"><a [^>]*>([^<]+)</a></th>(.*?)</tr>", page, re.S)
    assert rows[0][0] == f"{PLANTED} v1" and "C (large)" in rows[0][1] and "reference" in rows[0][1]
    assert all("A (negligible)" in cells for _ref, cells in rows[1:]) and len(rows) == 22
    assert "reviews it with content experts" in page
    assert "advantages one group for reasons unrelated to the competency" in " ".join(page.split())
    assert "not removed automatically" in page
    assert "<caption>" in page and 'scope="col"' in page and "style=" not in page

    download = client.get(PAGE + ".csv", query_string={"group": "cohort:Focal"})
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert "difexam-dif-cohort-Focal.csv" in download.headers["Content-Disposition"]
    table = list(csv.DictReader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff"))))
    planted = next(r for r in table if r["Item"] == PLANTED)
    assert planted["ETS class"] == "C" and float(planted["MH D-DIF"]) < -1.5 and len(table) == 22
    # Every cell is the figure `flask analysis dif --json` gives: item, MH D-DIF, class and both group sizes.
    cli = runner.invoke(args=["analysis", "dif", "difexam", "--group", "cohort:Focal", "--json"])
    computed = {(i["item_ref"], i["version"]): i for i in json.loads(cli.output)["items"]}
    assert len(computed) == len(table)
    for row in table:
        item = computed[(row["Item"], int(row["Version"]))]
        assert (row["ETS class"], row["Status"]) == (item["class"] or "", item["status"])
        assert float(row["MH D-DIF"]) == item["mh_d_dif"] and float(row["SE"]) == item["se"]
        assert (int(row["n focal"]), int(row["n reference"])) == (item["n_focal"], item["n_reference"])

    small = text(client.get(PAGE, query_string={"group": "accommodation", "attempts": "all"}))
    assert "insufficient data" in small and "0 C, 0 B, 0 A" in small and "retakes included" in small


def test_the_chooser_alone_then_bad_groupings(client, load_catalog, admin):
    load_catalog(("dif.yaml", BANK), ("difexam.yaml", EXAM))
    page = client.get(PAGE)
    assert page.status_code == 200 and "Choose a grouping" in text(page) and "<table" not in text(page)
    assert "What a C flag asks of the committee" in text(page)
    for group, message in (
        ("colour:red", "unknown grouping &#39;colour:red&#39;"),
        ("cohort:Nobody", "no cohort &#39;Nobody&#39;"),
        ("<script>", "unknown grouping &#39;&lt;script&gt;&#39;"),
    ):
        response = client.get(PAGE, query_string={"group": group})
        assert response.status_code == 400 and message in text(response) and "There is a problem" in text(response)
    bad_csv = client.get(PAGE + ".csv", query_string={"group": "colour:red"})
    assert bad_csv.status_code == 400 and bad_csv.mimetype == "text/plain"
    assert client.get(PAGE + ".csv").status_code == 400
    assert client.get("/admin/reports/nope/dif").status_code == 404


def test_the_item_report_links_to_it(client, load_catalog, admin):
    load_catalog(("dif.yaml", BANK), ("difexam.yaml", EXAM))
    assert f'href="{PAGE}"' in text(client.get("/admin/reports/difexam"))


@pytest.mark.parametrize("role", ["candidate", "assessor"])
@pytest.mark.parametrize("path", [PAGE + "?group=accommodation", PAGE + ".csv?group=accommodation"])
def test_only_admins_see_it(client, make_user, auth, load_catalog, role, path):
    load_catalog(("dif.yaml", BANK), ("difexam.yaml", EXAM))
    auth.login_as(make_user(roles=(role,)))
    assert client.get(path).status_code == 403
