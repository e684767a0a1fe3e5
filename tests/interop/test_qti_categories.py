"""Where a foreign QTI item's competency comes from: its package's LOM classification or keyword, the
admin's category map, or the default; an item left without one is a skip the preview asks about."""

from __future__ import annotations

from certify.interop.qti import read_qti_package, read_qti_xml
from tests.interop.test_qti3 import ITEMS_3
from tests.interop.test_qti_package import MANIFEST_3, MANIFEST_21, package
from tests.support.qti_samples import qti2

TITLES = {"RA": "Results alignment", "PA": "Performance analysis"}
LOM = "http://ltsc.ieee.org/xsd/LOM"
IMSMD = "http://www.imsglobal.org/xsd/imsmd_v1p2"


def lom_taxon(*entries: str) -> str:
    taxa = "".join(f'<taxon><entry><string language="en">{entry}</string></entry></taxon>' for entry in entries)
    return (
        f'<metadata><lom xmlns="{LOM}"><classification><purpose><source>LOMv1.0</source><value>discipline</value>'
        f"</purpose><taxonPath><source><string>Competency framework</string></source>{taxa}</taxonPath>"
        "</classification></lom></metadata>"
    )


def imsmd_keyword(word: str) -> str:
    return (
        f'<metadata><imsmd:lom xmlns:imsmd="{IMSMD}"><imsmd:general><imsmd:keyword>'
        f'<imsmd:langstring xml:lang="en">{word}</imsmd:langstring></imsmd:keyword></imsmd:general></imsmd:lom>'
        "</metadata>"
    )


def resource(ident: str, kind: str, href: str, metadata: str = "") -> str:
    return f'<resource identifier="{ident}" type="{kind}" href="{href}">{metadata}<file href="{href}"/></resource>'


def read(data: bytes, **options):
    settings = {"competencies": TITLES, "bank_id": "imp", "title": "Imported", **options}
    return read_qti_package(data, "pkg.zip", **settings)


def test_lom_classification_and_keywords_pick_competencies_by_title_or_code():
    resources = "\n".join(
        [
            resource("R1", "imsqti_item_xmlv3p0", "a.xml", lom_taxon("Performance consulting", "Performance analysis")),
            resource(
                "R2",
                "imsqti_item_xmlv3p0",
                "b.xml",
                f'<metadata><lom xmlns="{LOM}"><general><keyword>'
                "<string>ra</string></keyword></general></lom></metadata>",
            ),
        ]
    )
    files = {"a.xml": ITEMS_3["order"], "b.xml": ITEMS_3["numeric"]}
    bank, problems = read(package(MANIFEST_3.format(resources=resources), files))
    assert bank is not None, problems
    assert [(item.ref, item.competency) for item in bank.items] == [("order-1", "PA"), ("num-1", "RA")]


def test_qti21_manifest_keywords_in_ims_metadata():
    resources = resource("R1", "imsqti_item_xmlv2p1", "c.xml", imsmd_keyword("PA"))
    bank, _ = read(package(MANIFEST_21.format(resources=resources), {"c.xml": qti2("choice", "2p1")}))
    assert [item.competency for item in bank.items] == ["PA"]


def test_an_unmatched_category_is_a_skip_until_the_admin_maps_it():
    resources = "\n".join(
        [
            resource("R1", "imsqti_item_xmlv3p0", "a.xml", lom_taxon("Week 3 quiz")),
            resource("R2", "imsqti_item_xmlv3p0", "b.xml", lom_taxon("Results alignment")),
        ]
    )
    data = package(MANIFEST_3.format(resources=resources), {"a.xml": ITEMS_3["order"], "b.xml": ITEMS_3["match"]})
    bank, problems = read(data)
    assert [item.ref for item in bank.items] == ["match-1"]
    (asked,) = problems
    assert (asked.severity, asked.item, asked.category, asked.file) == (
        "skip",
        "order-1",
        "Week 3 quiz",
        "pkg.zip/a.xml",
    )
    mapped, problems = read(data, category_map={"Week 3 quiz": "PA"})
    assert [(item.ref, item.competency) for item in mapped.items] == [("order-1", "PA"), ("match-1", "RA")]
    assert problems == []
    defaulted, _ = read(data, default_competency="RA")
    assert [item.competency for item in defaulted.items] == ["RA", "RA"]


def test_a_single_item_document_uses_the_default_or_asks():
    options = {"competencies": TITLES, "bank_id": "one", "title": "One"}
    bank, _ = read_qti_xml(qti2("order", "2p1").encode(), "order.xml", default_competency="PA", **options)
    assert bank.items[0].competency == "PA"
    bank, problems = read_qti_xml(qti2("order", "2p1").encode(), "order.xml", **options)
    assert bank is None
    assert [(p.severity, p.category) for p in problems] == [("skip", ""), ("error", "")]


def test_items_without_a_rationale_get_one_warning_for_the_file():
    names = ["multiple", "inline", "choice"]
    resources = "\n".join(resource(f"R{n}", "imsqti_item_xmlv2p2", f"{name}.xml") for n, name in enumerate(names))
    files = {f"{name}.xml": qti2(name, "2p2") for name in names}
    bank, problems = read(package(MANIFEST_21.format(resources=resources), files), default_competency="RA")
    assert [item.status for item in bank.items] == ["draft"] * 3
    assert [(p.severity, p.file, p.line, p.message) for p in problems] == [
        (
            "warning",
            "pkg.zip",
            0,
            "2 item(s) came from QTI without a rationale: they are drafts marked 'needs rationale' and cannot move "
            "on from draft until one is written",
        )
    ]
