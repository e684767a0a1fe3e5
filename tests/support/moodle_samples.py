"""Moodle XML test files: a realistic Moodle 4.x export, a generator of large banks, and hostile files.

The export is written the way Moodle 4.x writes one (Question bank > Export > Moodle XML format): a
`<!-- question: N  -->` comment before each question, HTML in CDATA with the editor's `<p dir="ltr">`
wrappers, images as `<file>` children named by `@@PLUGINFILE@@`, Moodle's default combined feedback.
"""

from __future__ import annotations

import base64
import random
import struct
import zlib
from pathlib import Path
from xml.sax.saxutils import escape

MID_COMPETENCIES = {
    "RA": "Results alignment",
    "PA": "Performance and cause analysis",
    "SS": "Solution selection",
    "OB": "Measurable objectives",
    "AD": "Assessment design",
    "IS": "Instructional strategy and practice",
    "EV": "Evaluation and impact",
    "CP": "Consulting partnership and ethics",
}


def tiny_png(seed: int, size: int = 4) -> bytes:
    """A valid greyscale PNG of size x size pixels whose bytes differ with `seed`."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    stamp = seed.to_bytes(8, "big")  # the first pixels spell the seed, so no two seeds share an image
    pixels = [stamp[i] if i < len(stamp) else (seed * 7 + i * 31) % 256 for i in range(size * size)]
    rows = b"".join(b"\x00" + bytes(pixels[y * size : (y + 1) * size]) for y in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


CHART = tiny_png(1, 8)  # the FCR trend in question 1
BADGE = tiny_png(2)  # an answer's icon in question 2
FLOW = tiny_png(3)  # Moodle 2.x <image_base64> in question 9
PDF = b"%PDF-1.4\n% a job aid, not an image\n"


EXPORT_FILE = Path(__file__).with_name("moodle") / "moodle4_export.xml"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def moodle4_export() -> bytes:
    """moodle/moodle4_export.xml: a Moodle 4.x export of every question type (its images are the ones above)."""
    return EXPORT_FILE.read_bytes()


# --- a large generated bank, for the bench and the speed test -------------------------------------------------

_SETTINGS = [
    ("a sales team", "first-contact resolution", "%"),
    ("a help desk", "average handle time", "minutes"),
    ("a claims office", "claims settled within five days", "%"),
    ("a field service crew", "repeat visits per hundred jobs", "visits"),
    ("an onboarding programme", "weeks to full quota", "weeks"),
]
_HEADER = """    <defaultgrade>1.0000000</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <idnumber>{ref}</idnumber>
"""
_DEFAULTS = """    <correctfeedback format="html"><text>Your answer is correct.</text></correctfeedback>
    <partiallycorrectfeedback format="html"><text>Your answer is partially correct.</text></partiallycorrectfeedback>
    <incorrectfeedback format="html"><text>Your answer is incorrect.</text></incorrectfeedback>
"""


def _cdata(html: str) -> str:
    return f"<![CDATA[{html}]]>"


def _answer(fraction: str, text: str, feedback: str, extra: str = "", fmt: str = "html") -> str:
    return (
        f'    <answer fraction="{fraction}" format="{fmt}">\n      <text>{text}</text>\n'
        f'      <feedback format="html"><text>{_cdata(f"<p>{feedback}</p>") if feedback else ""}</text></feedback>\n'
        f"{extra}    </answer>\n"
    )


def _body(kind: str, n: int, who: str, metric: str, unit: str) -> str:
    if kind == "single":
        answers = [("100", f"Agree the {metric} target"), ("50", "Find which cases go wrong"), ("0", "Book the room")]
        return (
            "    <single>true</single>\n    <shuffleanswers>true</shuffleanswers>\n"
            + _DEFAULTS
            + "".join(
                _answer(f, _cdata(f"<p>{t}</p>"), f"Option {i} of question {n}.") for i, (f, t) in enumerate(answers, 1)
            )
        )
    if kind == "multi":
        texts = [(50, metric), (50, "customer complaints"), (-50, "hours trained"), (-50, "courses completed")]
        return (
            "    <single>false</single>\n    <shuffleanswers>true</shuffleanswers>\n"
            + _DEFAULTS
            + "".join(_answer(str(f), _cdata(f"<p>{escape(t)}</p>"), f"About {escape(t)}.") for f, t in texts)
        )
    if kind == "truefalse":
        return _answer("100", "true", "", fmt="moodle_auto_format") + _answer(
            "0", "false", "The metric comes first.", fmt="moodle_auto_format"
        )
    if kind == "short":
        return (
            "    <usecase>0</usecase>\n"
            + _answer("100", "baseline*", "", fmt="moodle_auto_format")
            + _answer("0", "target", "The target comes after the baseline.", fmt="moodle_auto_format")
        )
    if kind == "numerical":
        tolerance = "      <tolerance>0.5</tolerance>\n"
        return (
            _answer("100", str(10 + n % 50), "", tolerance, fmt="moodle_auto_format")
            + f"    <units><unit><multiplier>1</multiplier><unit_name>{escape(unit)}</unit_name></unit></units>\n"
            + "    <unitgradingtype>0</unitgradingtype>\n"
        )
    pairs = [("Data", "Clear expectations"), ("Resources", "Fitting tools"), ("Incentives", "Fair rewards")]
    if kind == "matching":
        rows = "".join(
            f'    <subquestion format="html"><text>{_cdata(f"<p>{left}</p>")}</text>'
            f"<answer><text>{right}</text></answer></subquestion>\n"
            for left, right in pairs
        )
        return "    <shuffleanswers>true</shuffleanswers>\n" + _DEFAULTS + rows
    steps = ["Agree the goal", "List the behaviours", "Find the causes", "Design practice"]
    return (
        "    <layouttype>VERTICAL</layouttype>\n    <selecttype>ALL</selecttype>\n    <selectcount>0</selectcount>\n"
        "    <gradingtype>RELATIVE_ALL_PREVIOUS_AND_NEXT</gradingtype>\n"
        + "".join(
            f'    <answer fraction="{i}" format="moodle_auto_format"><text>{t}</text></answer>\n'
            for i, t in enumerate(steps, 1)
        )
    )


_KINDS = {
    "single": "multichoice",
    "multi": "multichoice",
    "truefalse": "truefalse",
    "short": "shortanswer",
    "numerical": "numerical",
    "matching": "matching",
    "ordering": "ordering",
}


def moodle_xml_bank(n_items: int, with_images: bool) -> bytes:
    """A realistic Moodle XML export of `n_items` questions of every supported type, spread over the eight
    competencies' categories; with `with_images`, each question text shows its own small PNG."""
    rng = random.Random(n_items)
    codes = list(MID_COMPETENCIES)
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n']
    per_category = max(1, -(-n_items // len(codes)))
    for n in range(1, n_items + 1):
        if (n - 1) % per_category == 0:
            title = MID_COMPETENCIES[codes[(n - 1) // per_category % len(codes)]]
            out.append(
                '<!-- question: 0  -->\n  <question type="category">\n'
                f"    <category><text>$course$/top/MID certification/{title}</text></category>\n  </question>\n"
            )
        who, metric, unit = rng.choice(_SETTINGS)
        kind = list(_KINDS)[n % len(_KINDS)]
        image, files = "", ""
        if with_images:
            image = f'<img src="@@PLUGINFILE@@/chart-{n}.png" alt="{escape(metric)} by month">'
            files = f'      <file name="chart-{n}.png" path="/" encoding="base64">{_b64(tiny_png(n))}</file>\n'
        stem = f"<p>Question {n}: {who} wants a course because {escape(metric)} slipped.</p><p>{image}</p>"
        out.append(
            f'<!-- question: {n}  -->\n  <question type="{_KINDS[kind]}">\n'
            f"    <name><text>{escape(metric)} question {n}</text></name>\n"
            f'    <questiontext format="html">\n      <text>{_cdata(stem)}</text>\n{files}    </questiontext>\n'
            f'    <generalfeedback format="html"><text>{_cdata(f"<p>Why question {n} is keyed so.</p>")}</text>'
            "</generalfeedback>\n"
            + _HEADER.format(ref=f"GEN-{n:05d}")
            + _body(kind, n, who, metric, unit)
            + "  </question>\n"
        )
    out.append("</quiz>\n")
    return "".join(out).encode()


# --- hostile files: each must be refused with one clear error ------------------------------------------------

# Fragments that mean something to Moodle XML, added to the generic ones when damaging a file.
MOODLE_FRAGMENTS = [
    b"@@PLUGINFILE@@/",
    b'<file name="x.png" path="/" encoding="base64">',
    b"</file>",
    b'<question type="category"><category><text>$course$/top/RA</text></category></question>',
    b'<answer fraction="NaN">',
    b'<answer fraction="1e999">',
    b"<single>false</single>",
    b'<!-- certify {"bloom":7,"ids":[1]} -->',
    b"<idnumber>RA-FCR-01</idnumber>",
    b"<image_base64>!!!</image_base64>",
]


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE quiz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<quiz><question type="truefalse"><name><text>&lol3;</text></name></question></quiz>
"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE quiz [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<quiz><question type="truefalse"><name><text>&secret;</text></name></question></quiz>
"""


def _huge_image() -> bytes:
    big = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * (11 * 1024 * 1024)).decode()
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n  <question type="truefalse">\n'
        "    <name><text>Huge</text></name>\n"
        '    <questiontext format="html"><text><![CDATA[<img src="@@PLUGINFILE@@/big.png">]]></text>\n'
        f'      <file name="big.png" path="/" encoding="base64">{big}</file>\n    </questiontext>\n'
        "  </question>\n</quiz>\n"
    ).encode()


def hostile() -> dict[str, tuple[bytes, str]]:
    """Hostile or broken files and a fragment of the error each must get."""
    truncated = moodle4_export()[:2500]
    return {
        "billion-laughs.xml": (BILLION_LAUGHS, "entities or a DTD"),
        "external-entity.xml": (EXTERNAL_ENTITY, "entities or a DTD"),
        "huge-image.xml": (_huge_image(), "an image may be at most 10.0 MB"),
        "truncated.xml": (truncated, "malformed XML at line"),
        "wrong-root.xml": (
            b'<?xml version="1.0"?><assessmentItem identifier="x"/>',
            "the root element is <assessmentItem>",
        ),
        "latin1.xml": (
            "<quiz><question type='truefalse'><name><text>Réponse</text></name></question></quiz>".encode("latin-1"),
            "not UTF-8 text",
        ),
        "empty.xml": (b"", "malformed XML"),
        "unknown-encoding.xml": (
            b'<?xml version="1.0" encoding="TF-8"?><quiz/>',
            "names an encoding that cannot be read",
        ),
        "multibyte-encoding.xml": (b'<?xml version="1.0" encoding="Shift_JIS"?><quiz/>', "cannot be read"),
        "deep.xml": (b"<quiz>" + b"<a>" * 300 + b"</a>" * 300 + b"</quiz>", "nested more than"),
    }
