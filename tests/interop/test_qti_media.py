"""Images and shared stimuli in QTI packages: read from the zip, carried by sha256, written back, re-read the same."""

from __future__ import annotations

import base64

import pytest

from certify.core.banks import Bank, parse_bank
from certify.core.media import Media
from certify.core.source import load_yaml
from certify.interop.qti import read_qti_package, read_qti_xml, write_qti3_package
from tests.support.qti_media_samples import (
    CASE_ITEMS,
    FILES,
    FLOW_GIF,
    QUEUE_PNG,
    REPEAT_PNG,
    TREND_PNG,
    case_package,
    qti22_package,
    sha,
)
from tests.support.qti_packages import edited, members, rezip, without_metadata
from tests.support.qti_schemas import package_errors

COMPETENCIES = {"PA", "RA"}
PASSAGE = (
    "A regional insurer's help desk was told to cut **average handle time** from 9 to 6 minutes. Agents now close "
    "calls early; repeat contacts rose by a third in the same quarter.\n\n"
    f"![Handle time and repeat contacts by week](media:{sha(TREND_PNG)})\n\n"
    'The sponsor asks you for "a short course on call control".'
)
CASE = {"id": "handle-time-case", "title": "Help desk handle time", "text": PASSAGE}


def read(data: bytes, **options):
    settings = {"competencies": COMPETENCIES, "bank_id": "hd", "title": "Help desk", "default_competency": "PA"}
    return read_qti_package(data, "hd.zip", **(settings | options))


@pytest.fixture(scope="module")
def imported() -> tuple[Bank, list]:
    bank, problems = read(case_package())
    assert bank is not None, problems
    return bank, problems


def test_one_stimulus_shared_by_three_items_is_carried_by_each(imported):
    bank, _ = imported
    by_ref = {item.ref: item for item in bank.items}
    assert [by_ref[ref].stimulus for ref in CASE_ITEMS] == [CASE] * 3
    assert by_ref["hd-2"].stem == "What most likely drives the repeat contacts?"  # the passage is not in the stem
    assert by_ref["charts"].stimulus is None and by_ref["flow"].stimulus is None


def test_images_are_kept_by_sha256_with_the_type_their_bytes_say(imported):
    bank, _ = imported
    assert {digest: (media.mime, media.name) for digest, media in bank.media.items()} == {
        sha(TREND_PNG): ("image/png", "aht-trend.png"),
        sha(QUEUE_PNG): ("image/png", "queue.png"),
        sha(REPEAT_PNG): ("image/png", "repeat.png"),
        sha(FLOW_GIF): ("image/gif", "flow.gif"),
    }
    assert all(media.digest == digest for digest, media in bank.media.items())


def test_image_options_become_options_showing_their_images(imported):
    bank, _ = imported
    charts = next(item for item in bank.items if item.ref == "charts")
    assert [(o["id"], o["text"]) for o in charts.body["options"]] == [
        ("queue", f"![Calls waiting per agent](media:{sha(QUEUE_PNG)})"),
        ("repeat", f"![Repeat contacts per week](media:{sha(REPEAT_PNG)})"),
        ("logo", "[image: Team logo]"),  # an SVG is not shown (it can carry script): a placeholder, and a warning
    ]
    assert charts.body["key"] == "repeat"


def test_an_object_showing_an_image_becomes_that_image(imported):
    bank, _ = imported
    flow = next(item for item in bank.items if item.ref == "flow")
    assert flow.stem.splitlines()[0] == f"The escalation flow: ![Escalation flow chart](media:{sha(FLOW_GIF)})"
    assert "Last quarter: [image: Escalations by tier]" in flow.stem


def test_every_loss_and_every_resource_not_imported_is_a_warning_naming_it(imported):
    _, problems = imported
    assert all(p.severity == "warning" for p in problems)
    assert [(p.item, p.file, p.message) for p in problems if p.item] == [
        (
            "charts",
            "hd.zip/items/charts.xml",
            "item charts: image '../images/logo.svg' is not a PNG, JPEG, GIF or WebP image; "
            "a placeholder stands in its place",
        ),
        (
            "flow",
            "hd.zip/items/flow.xml",
            "item flow: image '../images/missing-chart.png' is not in the package; a placeholder stands in its place",
        ),
        (
            "flow",
            "hd.zip/items/flow.xml",
            "item flow: its audio '../media/briefing.mp3' cannot be played in Certify; dropped",
        ),
    ]
    flow_lines = FILES["items/flow.xml"].splitlines()
    missing = next(p for p in problems if "missing-chart" in p.message)
    assert "missing-chart.png" in flow_lines[missing.line - 1]
    # Resources: a test, a house template, shared outcomes and an LTI link are named; the copy of a standard
    # template, the stylesheet and the stimulus (read through its items) need no word.
    assert [p.message.split(":")[0] for p in problems if not p.item] == [
        "resource TEST-helpdesk",
        "resource RP-house",
        "resource OUT-shared",
        "resource LTI-coach",
    ]


def test_export_carries_media_and_the_stimulus_and_reimports_the_same(imported):
    bank, _ = imported
    data, warnings = write_qti3_package(bank)
    assert warnings == []
    files = members(data)
    assert package_errors(files) == {}
    assert [name for name in files if name.startswith("stimuli/")] == ["stimuli/handle-time-case.xml"]
    assert {name: files[name] for name in files if name.startswith("media/")} == {
        f"media/{digest}.{'gif' if media.mime == 'image/gif' else 'png'}": media.data
        for digest, media in bank.media.items()
    }
    assert (
        f'<img src="../media/{sha(QUEUE_PNG)}.png" alt="Calls waiting per agent" />'.encode()
        in files["items/charts.xml"]
    )
    manifest = files["imsmanifest.xml"].decode()
    charts = manifest[manifest.index('identifier="RES-charts"') :].split("</resource>")[0]
    assert f'<file href="media/{sha(QUEUE_PNG)}.png" />' in charts
    stimulus = manifest[manifest.index('identifier="STIM-handle-time-case"') :].split("</resource>")[0]
    assert f'<file href="media/{sha(TREND_PNG)}.png" />' in stimulus
    again, problems = read(data)
    assert again is not None and problems == [], problems
    assert [item.content() for item in again.items] == [item.content() for item in bank.items]
    assert {d: (m.data, m.mime) for d, m in again.media.items()} == {d: (m.data, m.mime) for d, m in bank.media.items()}
    assert write_qti3_package(again)[0] == data


def test_export_read_by_its_qti_alone_keeps_images_and_stimulus(imported):
    bank, _ = imported
    again, problems = read(without_metadata(write_qti3_package(bank)[0]))
    assert again is not None and problems == [], problems
    assert [(i.ref, i.stem, i.stimulus, i.body) for i in again.items] == [
        (i.ref, i.stem, i.stimulus, i.body) for i in bank.items
    ]


def test_qti22_stimulus_by_reference_or_xinclude_and_included_fragments():
    bank, problems = read(qti22_package())
    assert bank is not None, problems
    assert problems == []
    assert [item.ref for item in bank.items] == ["ref-1", "inc-1"]
    for item in bank.items:
        assert item.stimulus == CASE
        assert item.stem.startswith("Targets this quarter: 6 minutes per call, 80 % resolved on first contact.\n\n")
    assert set(bank.media) == {sha(TREND_PNG)}


def _flow_with(image: str) -> bytes:
    flow = FILES["items/flow.xml"].replace('src="../images/missing-chart.png"', f'src="{image}"')
    return rezip({**FILES, "items/flow.xml": flow})


@pytest.mark.parametrize(
    ("src", "why"),
    [
        ("../../../etc/passwd", "leaves the package"),
        ("/images/flow.gif", "is an absolute path, not one inside the package"),
        ("https://example.org/chart.png", "is not inside the package (Certify never fetches files from elsewhere)"),
        ("file:///etc/passwd", "is not inside the package (Certify never fetches files from elsewhere)"),
        ("http://[broken/chart.png", "is not a usable address"),
        ("data:image/png;base64,not base64!", "is a data: address that is not base64"),
    ],
)
def test_images_outside_the_package_are_never_read(src, why):
    bank, problems = read(_flow_with(src))
    assert bank is not None
    (warning,) = [p for p in problems if "Escalations" in p.message or src[:20] in p.message]
    assert warning.message == f"item flow: image {src!r} {why}; a placeholder stands in its place"
    assert "[image: Escalations by tier]" in next(i for i in bank.items if i.ref == "flow").stem


def test_a_base64_image_inside_the_document_is_kept():
    bank, _ = read(_flow_with("data:image/png;base64," + base64.b64encode(QUEUE_PNG).decode()))
    flow = next(item for item in bank.items if item.ref == "flow")
    assert f"Last quarter: ![Escalations by tier](media:{sha(QUEUE_PNG)})" in flow.stem


def test_a_missing_or_broken_stimulus_leaves_the_items_with_a_warning():
    gone = {name: content for name, content in FILES.items() if name != "stimuli/handle-time-case.xml"}
    bank, problems = read(rezip(gone))
    assert bank is not None and all(item.stimulus is None for item in bank.items)
    assert [p.message for p in problems if "stimulus" in p.message and p.item] == [
        f"item {ref}: the stimulus '../stimuli/handle-time-case.xml' it refers to is not in the package; "
        "it was left out"
        for ref in CASE_ITEMS
    ]
    broken = edited(
        case_package(), "stimuli/handle-time-case.xml", lambda raw: raw.replace(b"</qti-stimulus-body>", b"")
    )
    bank, problems = read(broken)
    assert bank is not None and all(item.stimulus is None for item in bank.items)
    (warning,) = [p for p in problems if "cannot be read" in p.message]
    assert warning.item == "hd-1" and "its stimulus 'stimuli/handle-time-case.xml' cannot be read" in warning.message


def test_a_stimulus_no_item_uses_is_named():
    manifest = FILES["imsmanifest.xml"].replace('<dependency identifierref="STIM-case"/>', "")
    items = {
        f"items/{ref}.xml": xml.split("<qti-assessment-stimulus-ref")[0]
        + xml.split('title="Help desk handle time"/>')[1]
        for ref, xml in CASE_ITEMS.items()
    }
    bank, problems = read(rezip({**FILES, **items, "imsmanifest.xml": manifest}))
    assert bank is not None
    unused = "the stimulus 'stimuli/handle-time-case.xml' is used by no item in the package; not imported"
    assert f"resource STIM-case: {unused}" in [p.message for p in problems]


def test_export_warns_when_the_bank_does_not_carry_an_image_it_names(imported):
    bank, _ = imported
    without_queue = {d: m for d, m in bank.media.items() if d != sha(QUEUE_PNG)}
    data, warnings = write_qti3_package(
        Bank(bank.id, bank.title, bank.purpose, bank.items, "hd.yaml", media=without_queue)
    )
    assert [(w.item, w.message) for w in warnings] == [
        (
            "charts",
            f"item charts: it names the image media:{sha(QUEUE_PNG)}, which the bank does not carry; "
            "it stays as text in the package",
        )
    ]
    files = members(data)
    assert f"media:{sha(QUEUE_PNG)}".encode() in files["items/charts.xml"]  # as text, not a broken <img>
    assert package_errors(files) == {}


def test_a_single_item_document_names_the_images_it_cannot_bring():
    bank, problems = read_qti_xml(
        FILES["items/charts.xml"].encode(),
        "charts.xml",
        competencies=COMPETENCIES,
        bank_id="one",
        title="One",
        default_competency="PA",
    )
    assert bank is not None
    assert bank.media == {}
    assert [p.message for p in problems if p.item] == [
        f"item charts: image '../images/{name}' is not in this file (import the whole package to keep it); "
        "a placeholder stands in its place"
        for name in ("queue.png", "repeat.png", "logo.svg")
    ]


def test_media_keeps_only_what_imported_items_show():
    hotspot = FILES["items/charts.xml"].replace("qti-choice-interaction", "qti-hotspot-interaction")
    bank, problems = read(rezip({**FILES, "items/charts.xml": hotspot}))
    assert bank is not None and "charts" not in [item.ref for item in bank.items]
    assert set(bank.media) == {sha(TREND_PNG), sha(FLOW_GIF)}
    assert not [p for p in problems if "logo.svg" in p.message]  # a skipped item's images are not its loss too


def test_images_certify_authors_write_in_markdown_or_html_are_exported_as_images():
    chart = Media(QUEUE_PNG, "image/png", "queue.png")
    stem = f'Read the chart: <img src="media:{chart.digest}" alt="Calls &amp; agents">\n\nWhich queue is longest?'
    data, _ = load_yaml(
        f"""
bank: {{id: own, title: Own}}
items:
  - id: OWN-1
    type: true_false
    competency: PA
    bloom: apply
    stem: '{stem}'
    key: true
    wrong_rationale: See the chart.
    rationale: "The chart: ![Calls \\\\[per agent\\\\]](media:{chart.digest})"
""",
        "own.yaml",
    )
    bank, problems = parse_bank(data, "own.yaml", COMPETENCIES)
    assert bank is not None, problems
    bank = Bank(bank.id, bank.title, bank.purpose, bank.items, bank.file, media={chart.digest: chart})
    package, warnings = write_qti3_package(bank)
    files = members(package)
    assert warnings == [] and package_errors(files) == {}
    document = files["items/OWN-1.xml"].decode()
    src = f"../media/{chart.digest}.png"
    assert f'<img src="{src}" alt="Calls &amp; agents" />' in document
    assert f'<img src="{src}" alt="Calls [per agent]" />' in document  # in the rationale's feedback
    again, problems = read(package)
    assert again is not None and problems == []
    assert again.items[0].content() == bank.items[0].content()
    plain, _ = read(without_metadata(package))  # read from the QTI alone: the same images, in Markdown
    html_image = f'<img src="media:{chart.digest}" alt="Calls &amp; agents">'
    assert plain.items[0].stem == bank.items[0].stem.replace(html_image, f"![Calls & agents](media:{chart.digest})")
    assert plain.items[0].rationale == bank.items[0].rationale


def test_an_item_with_two_stimuli_keeps_the_first_and_names_the_other():
    second = FILES["stimuli/handle-time-case.xml"].replace('identifier="handle-time-case"', 'identifier="queue-case"')
    second = second.replace('title="Help desk handle time"', 'title="Queue data"')
    extra = '<qti-assessment-stimulus-ref identifier="queue-case" href="../stimuli/queue-case.xml"/>\n  <qti-item-body>'
    item = CASE_ITEMS["hd-1"].replace("<qti-item-body>", extra)
    bank, problems = read(rezip({**FILES, "stimuli/queue-case.xml": second, "items/hd-1.xml": item}))
    assert bank is not None
    assert bank.items[0].stimulus == CASE
    (warning,) = [p for p in problems if p.item == "hd-1"]
    assert warning.message == (
        "item hd-1: Certify shows one stimulus per item; handle-time-case is kept, queue-case left out"
    )
