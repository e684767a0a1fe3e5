"""Valid sample files of every import format, and Hypothesis strategies that damage them.

Shared by the parser fuzz tests (tests/interop) and the service and upload fuzz tests
(tests/banks). Settings are derandomised and keep no example database, so CI runs the
same examples every time; counts are kept small enough for seconds, not minutes.
"""

from __future__ import annotations

import io
import zipfile
from functools import cache

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from certify.assessments.formats import read_bank_file
from certify.interop.gift import bank_to_gift
from certify.interop.qti import write_qti3_package
from tests.interop.test_aiken import GOOD as AIKEN
from tests.support.moodle_gift import MOODLE_GIFT
from tests.support.qti_platform_samples import SPEC3_MULTIPLE_PINNED, TAO_CHOICE_MATHML, TAO_NUMERIC_RELATIVE
from tests.support.qti_samples import qti2
from tests.support.qti_samples_xml import ITEMS_2X
from tests.support.samples import BANK, COMPETENCIES

FUZZ = settings(
    max_examples=40,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

MOODLE_XML = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="multichoice">
    <name><text>RA-1</text></name>
    <questiontext format="html"><text><![CDATA[<p>What comes first?</p>]]></text></questiontext>
    <answer fraction="100"><text>The business metric</text><feedback><text>Right.</text></feedback></answer>
    <answer fraction="0"><text>The course outline</text><feedback><text>Too early.</text></feedback></answer>
    <single>true</single>
  </question>
</quiz>
"""

# Fragments that mean something to one of the formats: where a parser is most likely to trip.
MEANINGFUL = [
    b"{",
    b"}",
    b"=",
    b"~",
    b"#",
    b"::",
    b"[html]",
    b"->",
    b"%50%",
    b":",
    b"- ",
    b"&a ",
    b"*a",
    b"<<: ",
    b"!!python/object:os.system ",
    b"[",
    b"]",
    b"<",
    b">",
    b"</",
    b"<![CDATA[",
    b"]]>",
    b'<!DOCTYPE x [<!ENTITY e "lol">]>',
    b"&e;",
    b"&#0;",
    b"ANSWER: ",
    b"A. ",
    b"\n",
    b"\r\n",
    b"\t",
    b"\\",
    b'"',
    b"'",
    b"\x00",
    b"\xff",
    b"\xef\xbb\xbf",
    "é—∑".encode(),
    b"1e999",
    b"-0",
    b"NaN",
]


@cache
def _sample_bank():  # type: ignore[no-untyped-def]
    bank, problems = read_bank_file("sample.yaml", BANK.encode(), competencies=COMPETENCIES)
    assert bank is not None, problems
    return bank


@cache
def samples() -> dict[str, bytes]:
    """One valid file per import format, keyed by its file name (the suffix picks the reader)."""
    gift, _ = bank_to_gift(_sample_bank())
    package, _ = write_qti3_package(_sample_bank())
    files = {
        "bank.yaml": BANK.encode(),
        "quiz.gift": gift.encode(),
        "moodle-export.gift": MOODLE_GIFT.encode(),  # Moodle's own GIFT: CRLF, a BOM, skips and losses
        "quiz.txt": AIKEN.encode(),
        "moodle.xml": MOODLE_XML.encode(),
        "package.zip": package,
    }
    for name in ITEMS_2X:
        files[f"qti21-{name}.xml"] = qti2(name, "2p1").encode()
    # Other platforms' shapes: MathML, a relative tolerance in custom processing, a partial-credit mapping.
    files["tao-mathml.xml"] = TAO_CHOICE_MATHML.encode()
    files["tao-numeric.xml"] = TAO_NUMERIC_RELATIVE.encode()
    files["qti3-spec-multiple.xml"] = SPEC3_MULTIPLE_PINNED.encode()
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        items = [n for n in archive.namelist() if n.endswith(".xml") and n != "imsmanifest.xml"]
        files["qti3-item.xml"] = archive.read(items[0])
    return files


@st.composite
def damaged(draw: st.DrawFn, data: bytes) -> bytes:
    """`data` with a few deletions, insertions, duplications, bit flips or a truncation."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["delete", "insert", "duplicate", "flip", "truncate"]))
        at = draw(st.integers(0, len(out)))
        if op == "delete":
            del out[at : at + draw(st.integers(1, 64))]
        elif op == "insert":
            out[at:at] = draw(st.sampled_from(MEANINGFUL) | st.binary(min_size=1, max_size=8))
        elif op == "duplicate":
            out[at:at] = out[at : at + draw(st.integers(1, 200))] * draw(st.integers(1, 3))
        elif op == "flip" and at < len(out):
            out[at] ^= draw(st.integers(1, 255))
        elif op == "truncate":
            del out[at:]
    return bytes(out)


@st.composite
def damaged_package(draw: st.DrawFn, package: bytes | None = None) -> bytes:
    """A QTI package (by default the sample) rebuilt as a valid zip with one of its files damaged, added or removed."""
    with zipfile.ZipFile(io.BytesIO(package or samples()["package.zip"])) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    name = draw(st.sampled_from(sorted(members)))
    op = draw(st.sampled_from(["damage", "damage", "remove", "add"]))
    if op == "damage":
        members[name] = draw(damaged(members[name]))
    elif op == "remove":
        del members[name]
    else:
        members[draw(st.sampled_from(["../evil.xml", "x/imsmanifest.xml", "a\\b.xml", "extra.xml"]))] = members[name]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    return buffer.getvalue()


def any_file() -> st.SearchStrategy[tuple[str, bytes]]:
    """A file name of any import format with damaged or arbitrary content."""
    files = samples()
    names = sorted(files)
    damaged_sample = st.sampled_from(names).flatmap(lambda name: damaged(files[name]).map(lambda data: (name, data)))
    arbitrary = st.tuples(
        st.sampled_from(names), st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode))
    )
    return st.one_of(damaged_sample, arbitrary, damaged_package().map(lambda data: ("package.zip", data)))
