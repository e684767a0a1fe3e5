"""Prove a page is inert in Chromium: no dialog, no script call, no request leaving, nothing scriptable in the DOM.

Usage (with the `page` and `live_server` fixtures of tests/e2e/conftest.py):

    recorder = watch(page, live_server)              # before the first navigation
    sign_in(page, ...)                               # anything the test needs (not checked)
    visit(page, recorder, "/portfolios/7")           # load, provoke handlers, wait, check the URL
    assert_inert(recorder)                           # fails listing everything that fired

`visit` can be called for many pages before one `assert_inert`. After reaching a page by
clicking (a form post, a redirect), call `inspect(page, recorder)` instead of `visit`.

What is recorded (a `Finding` each):
- dialog: every alert/confirm/prompt/beforeunload (dismissed at once);
- script call: `print()` (which fires no dialog event), through a hook added before any page script;
- request: anything not under `/static/` of the live server (or an `allow`ed prefix) and not the
  page's own document; requests to other origins are aborted before they leave, WebSockets are
  never connected;
- navigation: while a page is being checked, any document load other than that page
  (a meta refresh, a script changing `location`), and a page URL that changed; between checks
  the test's own clicks and posts may navigate anywhere on the site, except to a URL containing
  `hostile-probe` (the corpus's same-origin target), which is always a finding;
- popup and frame: a window opened or a frame attached;
- page error: an uncaught exception (a hostile script ran, or the page is broken);
- csp: a `securitypolicyviolation` event (when the context enforces CSP);
- markup: found by `inspect` in the live DOM: `on*` attributes, scripts not served from
  `/static/`, `javascript:`/`vbscript:`/`data:` URLs, frames, objects, embeds, `<base>`,
  `<meta http-equiv>`, `<style>`, foreign `<link>`s, styles loading URLs, forms posting elsewhere.

To catch handler-based payloads `inspect` dispatches mouse, pointer, focus, animation, load and
error events to every element and focuses each one (never `click`, `submit`, `change` or key
events, so the page's own behaviour is not triggered), then waits for timers. The e2e `page`
fixture bypasses CSP, so the check covers the sanitiser alone; CSP is the second line of defence.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from playwright.sync_api import Dialog, Frame, Page, Request, Response, Route, WebSocketRoute
from playwright.sync_api import Error as PlaywrightError

SETTLE_MS = 500
PROBE_MARK = "hostile-probe"  # same-origin targets in the corpus: requested at any time, always a finding
PROVOKED_EVENTS = (
    "mouseover",
    "mouseenter",
    "mousemove",
    "mouseout",
    "mouseleave",
    "pointerover",
    "pointerenter",
    "pointermove",
    "focus",
    "focusin",
    "blur",
    "focusout",
    "animationstart",
    "animationend",
    "transitionend",
    "toggle",
    "load",
    "error",
    "scroll",
    "begin",
)

_names = itertools.count(1)

_HOOKS = """
(() => {
  const report = (kind, detail) => { try { window[%(binding)s](kind, String(detail)); } catch (e) {} };
  window.print = function () { report("script call", "print() was called"); };
  document.addEventListener("securitypolicyviolation", (event) => {
    const where = event.sourceFile ? " at " + event.sourceFile + ":" + event.lineNumber : "";
    report("csp", event.effectiveDirective + " blocked " + (event.blockedURI || "inline") + where);
  }, true);
})();
"""

_PROVOKE = """
(events) => {
  const make = (type) => {
    if (type.startsWith("mouse")) return new MouseEvent(type, {bubbles: true, cancelable: true, view: window});
    if (type.startsWith("pointer")) return new PointerEvent(type, {bubbles: true, cancelable: true});
    if (type.startsWith("focus") || type === "blur") return new FocusEvent(type, {bubbles: type.length > 5});
    if (type.startsWith("animation")) return new AnimationEvent(type, {bubbles: true, animationName: "k"});
    if (type.startsWith("transition")) return new TransitionEvent(type, {bubbles: true, propertyName: "color"});
    return new Event(type, {bubbles: false});
  };
  const elements = [document.documentElement, ...document.querySelectorAll("*")];
  for (const element of elements) {
    for (const type of events) {
      try { element.dispatchEvent(make(type)); } catch (e) { /* a handler threw: reported as a page error */ }
    }
    if (typeof element.focus === "function") {
      try { element.focus({preventScroll: true}); } catch (e) { /* not focusable */ }
    }
  }
  if (document.activeElement && document.activeElement.blur) document.activeElement.blur();
  return elements.length;
}
"""

_SCAN = """
() => {
  const found = [];
  const here = new URL(location.href);
  const opening = (el) => {
    const html = el.cloneNode(false).outerHTML;
    const end = html.indexOf(">");
    return (end < 0 ? html : html.slice(0, end + 1)).slice(0, 200);
  };
  const scheme = (value) => {
    const cleaned = value.replace(/[\\t\\n\\r]/g, "").replace(/^[\\x00-\\x20]+/, "").toLowerCase();
    const match = cleaned.match(/^([a-z][a-z0-9+.\\-]*):/);
    return match ? match[1] : null;
  };
  const resolve = (value) => { try { return new URL(value, document.baseURI); } catch (e) { return null; } };
  const ownStatic = (value) => {
    const url = resolve(value);
    return url !== null && url.origin === here.origin && url.pathname.startsWith("/static/");
  };
  const URL_ATTRIBUTES = new Set(["href", "xlink:href", "src", "action", "formaction", "data", "poster",
    "background", "codebase", "ping", "lowsrc", "dynsrc"]);
  const NEVER = new Set(["iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal", "style"]);
  for (const el of document.querySelectorAll("*")) {
    const name = el.localName;
    const flag = (why) => found.push(why + ": " + opening(el));
    if (NEVER.has(name)) flag("<" + name + ">");
    if (name === "script" && !(el.hasAttribute("src") && ownStatic(el.getAttribute("src")))) flag("script");
    if (name === "meta" && el.hasAttribute("http-equiv")) flag("meta http-equiv");
    if (name === "link" && !ownStatic(el.getAttribute("href") || "")) flag("link to elsewhere");
    if ((name === "animate" || name === "set") && /href/i.test(el.getAttribute("attributeName") || "")) {
      flag("SVG animation of a link");
    }
    for (const attr of el.attributes) {
      const key = attr.name.toLowerCase();
      const value = attr.value;
      if (key.startsWith("on")) flag("event handler " + key);
      if (key === "srcdoc") flag("srcdoc");
      if (key === "style" && /url\\s*\\(|expression|binding|behavior|@import|\\\\/i.test(value)) flag("style loading");
      if (URL_ATTRIBUTES.has(key) || key === "srcset") {
        const s = scheme(value.trim());
        const dataImage = name === "img" && key === "src" && /^data:image\\/(png|gif|jpeg|webp)[;,]/i.test(value);
        if (s === "javascript" || s === "vbscript" || s === "livescript") flag(s + ": URL in " + key);
        if (s === "data" && !dataImage) flag("data: URL in " + key);
      }
      if (key === "action" || key === "formaction") {
        const url = resolve(value);
        if (url !== null && url.origin !== here.origin) flag("form sending to another origin");
      }
    }
  }
  return found;
}
"""


@dataclass(frozen=True)
class Finding:
    kind: str
    detail: str
    page_url: str

    def __str__(self) -> str:
        return f"[{self.kind}] {self.detail}  (on {self.page_url})"


@dataclass
class Recorder:
    """What fired on a watched page. Build it with `watch`."""

    page: Page
    base_url: str
    allow: tuple[str, ...] = ()
    findings: list[Finding] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    expected_document: str | None = None  # set while a page is being checked: the only document it may load

    @property
    def origin(self) -> str:
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    def add(self, kind: str, detail: str) -> None:
        self.findings.append(Finding(kind, detail, self.page.url))

    def of_kind(self, kind: str) -> list[Finding]:
        return [f for f in self.findings if f.kind == kind]

    def clear(self) -> None:
        self.findings.clear()
        self.blocked.clear()

    def same_origin(self, url: str) -> bool:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}" == self.origin

    def permitted_path(self, url: str) -> bool:
        path = urlsplit(url).path
        return path.startswith(("/static/", *self.allow))

    # Event handlers -------------------------------------------------------------------------

    def _on_dialog(self, dialog: Dialog) -> None:
        self.add("dialog", f"{dialog.type}({dialog.message!r})")
        dialog.dismiss()

    def _on_request(self, request: Request) -> None:
        url = request.url
        if url.startswith(("data:", "blob:", "about:")):
            return
        if not self.same_origin(url):
            self.add("request", f"{request.method} {url} ({request.resource_type}; blocked before leaving)")
            return
        if PROBE_MARK in url:  # a corpus target, whoever asked for it
            self.add("request", f"{request.method} {url} ({request.resource_type})")
            return
        if self.permitted_path(url):
            return
        if request.is_navigation_request() and self._in_main_frame(request):
            if self.expected_document is None or self._leads_from_expected(request):
                return
            self.add("navigation", f"{request.method} {url} while checking {self.expected_document}")
            return
        self.add("request", f"{request.method} {url} ({request.resource_type})")

    def _in_main_frame(self, request: Request) -> bool:
        try:
            return request.frame == self.page.main_frame
        except PlaywrightError:  # a navigation issued before its frame exists: a new window
            return False

    def _leads_from_expected(self, request: Request) -> bool:
        """The expected document, or a redirect chain that started there."""
        current: Request | None = request
        while current is not None:
            if _without_fragment(current.url) == self.expected_document:
                return True
            current = current.redirected_from
        return False

    def _route(self, route: Route) -> None:
        url = route.request.url
        if url.startswith(("http:", "https:")) and not self.same_origin(url):
            self.blocked.append(url)
            route.abort("blockedbyclient")
        else:
            route.continue_()

    def _on_websocket(self, ws: WebSocketRoute) -> None:
        self.add("request", f"WebSocket {ws.url} (never connected)")
        ws.close()

    def _on_popup(self, popup: Page) -> None:
        self.add("popup", f"a window was opened: {popup.url}")
        popup.close()

    def _on_frame(self, frame: Frame) -> None:
        self.add("frame", f"a frame was attached: {frame.url or '(no URL yet)'}")

    def _on_page_error(self, error: Exception) -> None:
        self.add("page error", str(error).splitlines()[0] if str(error) else repr(error))

    def _on_report(self, kind: str, detail: str) -> None:
        self.add(kind, detail)


def _without_fragment(url: str) -> str:
    return url.split("#", 1)[0]


def watch(page: Page, base_url: str, *, allow: Iterable[str] = ()) -> Recorder:
    """Start recording on `page` (call once, before its first navigation).

    `base_url` is the live server's URL; `allow` adds same-origin path prefixes the pages may
    request besides `/static/` (for instance "/api/" on a page whose script saves answers).
    """
    recorder = Recorder(page=page, base_url=base_url.rstrip("/"), allow=tuple(allow))
    binding = f"__certifyInert{next(_names)}"
    page.expose_function(binding, recorder._on_report)
    page.add_init_script(_HOOKS % {"binding": repr(binding)})
    page.on("dialog", recorder._on_dialog)
    page.on("popup", recorder._on_popup)
    page.on("frameattached", recorder._on_frame)
    page.on("pageerror", recorder._on_page_error)
    context = page.context
    context.on("request", recorder._on_request)
    context.route("**/*", recorder._route)
    context.route_web_socket(re.compile(r".*"), recorder._on_websocket)
    return recorder


def inspect(page: Page, recorder: Recorder, *, settle_ms: int = SETTLE_MS) -> None:
    """Check the page now shown (reached by a click, a form post...): see `visit`."""
    _check(page, recorder, _without_fragment(page.url), settle_ms)


def visit(
    page: Page, recorder: Recorder, url: str, *, settle_ms: int = SETTLE_MS, status: int | None = 200
) -> Response | None:
    """Load `url` (relative to the live server) and check it: provoke every handler, scan the DOM,
    wait `settle_ms` for timers, and make sure nothing loaded another document meanwhile.

    `status` is the response status expected (None: any).
    """
    target = _without_fragment(urljoin(recorder.base_url + "/", url))
    recorder.expected_document = target
    try:
        response = page.goto(target)
        if status is not None:
            got = response.status if response is not None else None
            assert got == status, f"{target} answered {got}, not {status}"
        _check(page, recorder, _without_fragment(response.url if response is not None else target), settle_ms)
    finally:
        recorder.expected_document = None
    return response


def _check(page: Page, recorder: Recorder, shown: str, settle_ms: int) -> None:
    if recorder.expected_document is None:
        recorder.expected_document = shown
    try:
        page.wait_for_load_state("load")
        if _without_fragment(page.url) == shown:
            try:
                page.evaluate(_PROVOKE, list(PROVOKED_EVENTS))
                for problem in page.evaluate(_SCAN):
                    recorder.add("markup", problem)
            except PlaywrightError as exc:  # the document went away under the check
                recorder.add("navigation", f"{shown} was replaced while being checked: {exc.message}")
            page.wait_for_timeout(settle_ms)
        if _without_fragment(page.url) != shown:
            recorder.add("navigation", f"the page moved from {shown} to {page.url}")
    finally:
        recorder.expected_document = None


def assert_inert(recorder: Recorder) -> None:
    """Fail, listing every finding, if anything fired or anything scriptable reached a page."""
    if recorder.findings:
        lines = "\n".join(f"  {finding}" for finding in recorder.findings)
        raise AssertionError(f"{len(recorder.findings)} thing(s) fired or leaked:\n{lines}")
