"""The MathML an item's text may hold: presentation elements and attributes that draw a formula, nothing more.

Item text is Markdown, and a formula from another platform stays in it as MathML (`<math>...</math>`), so it
is rendered rather than flattened into "E = m c 2". Importers keep only what is listed here, and the
sanitiser allows only what is listed here, so one list decides both. Left out on purpose: anything that
links or loads (`href`, `xlink:*`, `altimg`, `src`), styles (`style`, `class`, `mathcolor`,
`mathbackground`, `mathsize`), acts (`maction`, event handlers), draws images (`mglyph`) or embeds other
markup (`annotation-xml`, which may carry HTML or SVG).
"""

from __future__ import annotations

MATHML_NS = "http://www.w3.org/1998/Math/MathML"

ELEMENTS = frozenset(
    {
        *("math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "mstyle", "merror", "mpadded", "mphantom"),
        *("msup", "msub", "msubsup", "munder", "mover", "munderover", "mmultiscripts", "mprescripts", "none"),
        *("mfrac", "msqrt", "mroot", "menclose", "mfenced"),
        *("mtable", "mtr", "mlabeledtr", "mtd"),
        *("semantics", "annotation"),
    }
)
# Dropped with everything inside them: their content is not a formula a reader should see.
DROPPED = frozenset({"annotation-xml", "mglyph", "malignmark", "maligngroup", "script", "style"})

_COMMON = ("dir", "displaystyle", "scriptlevel", "mathvariant")
_SPECIFIC: dict[str, tuple[str, ...]] = {
    "math": ("display", "alttext"),
    "mo": (
        *("form", "fence", "separator", "stretchy", "symmetric", "largeop", "movablelimits", "accent"),
        *("lspace", "rspace", "minsize", "maxsize"),
    ),
    "ms": ("lquote", "rquote"),
    "mfrac": ("linethickness", "numalign", "denomalign", "bevelled"),
    "mover": ("accent",),
    "munder": ("accentunder",),
    "munderover": ("accent", "accentunder"),
    "mspace": ("width", "height", "depth"),
    "mpadded": ("width", "height", "depth", "lspace", "voffset"),
    "menclose": ("notation",),
    "mfenced": ("open", "close", "separators"),
    "mtable": (
        *("align", "columnalign", "rowalign", "columnlines", "rowlines", "frame"),
        *("columnspacing", "rowspacing", "equalrows", "equalcolumns", "width"),
    ),
    "mtr": ("columnalign", "rowalign"),
    "mlabeledtr": ("columnalign", "rowalign"),
    "mtd": ("columnalign", "rowalign", "columnspan", "rowspan"),
    "annotation": ("encoding",),
}
ATTRIBUTES: dict[str, tuple[str, ...]] = {tag: _COMMON + _SPECIFIC.get(tag, ()) for tag in sorted(ELEMENTS)}
