"""Fuzzing the package reader where media and stimuli are read: damaged members and hostile addresses."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from certify.interop.qti import read_qti_package
from tests.interop.test_import_fuzz import assert_clear_answer
from tests.support.import_fuzz import FUZZ, MEANINGFUL, damaged_package
from tests.support.qti_media_samples import FILES, case_package, qti22_package
from tests.support.qti_packages import rezip

PACKAGES = {"case.zip": case_package(), "qti22.zip": qti22_package()}


@FUZZ
@given(name=st.sampled_from(sorted(PACKAGES)), data=st.data())
def test_a_media_or_stimulus_package_with_a_damaged_member_gets_a_bank_or_clear_problems(name, data):
    assert_clear_answer(name, data.draw(damaged_package(PACKAGES[name])))


ADDRESSES = st.one_of(
    st.text(max_size=80),
    st.sampled_from(
        [
            "..",
            "../..",
            "/",
            "//host/x.png",
            "data:",
            "data:image/png;base64,",
            "C:\\\\x.png",
            "%2e%2e/x",
            "http://[x/y.png",
        ]
    ),
    st.lists(st.sampled_from([m.decode("utf-8", "replace") for m in MEANINGFUL] + ["../", "images/", "x.png"])).map(
        "".join
    ),
)


@FUZZ
@given(image=ADDRESSES, stimulus=ADDRESSES, include=ADDRESSES)
def test_any_image_stimulus_or_include_address_gets_a_bank_or_clear_problems(image, stimulus, include):
    def attribute(text: str) -> str:
        return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")

    flow = FILES["items/flow.xml"].replace("../images/missing-chart.png", attribute(image))
    flow = flow.replace(
        "<qti-item-body>",
        f'<qti-item-body><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{attribute(include)}"/>',
    )
    case = FILES["items/hd-1.xml"].replace("../stimuli/handle-time-case.xml", attribute(stimulus))
    assert_clear_answer("case.zip", rezip({**FILES, "items/flow.xml": flow, "items/hd-1.xml": case}))


def test_an_item_file_declaring_an_unknown_encoding_is_skipped_not_a_crash():
    flow = FILES["items/flow.xml"].replace('encoding="UTF-8"', 'encoding="TF-8"')
    bank, problems = read_qti_package(
        rezip({**FILES, "items/flow.xml": flow}),
        "case.zip",
        competencies={"PA"},
        bank_id="hd",
        title="HD",
        default_competency="PA",
    )
    assert bank is not None and "flow" not in [item.ref for item in bank.items]
    (skipped,) = [p for p in problems if p.severity == "skip"]
    assert skipped.file == "case.zip/items/flow.xml"
    assert skipped.item == "resource ITEM-flow"
    assert skipped.message == (
        "resource ITEM-flow: the XML declaration names an encoding that cannot be read (unknown encoding: TF-8); "
        "save it as UTF-8"
    )
