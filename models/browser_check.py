"""Open a report in headless Chromium at a desktop and a phone width, take screenshots, and
fail if the page is wider than the window or logs a JavaScript error.

    python -m models.browser_check reports/kz-2021-mazhilis/report.html [--screenshots DIR]

Needs Chromium (Debian: `apt-get install chromium`). The page is opened from a temporary copy
with a small probe script inserted at the top of its head: it records script errors and
`console.error` calls and, once the page has loaded, reports the page's scroll width and its
window's width. Headless Chromium's window is at least 500 px wide, so the copy is shown in an
iframe of exactly the width checked, and the probe posts its findings to the outer page, which
`chromium --dump-dom` prints. No network is used.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

__all__ = ["WIDTHS", "PageCheck", "check_page", "find_chromium"]

#: Window widths checked: a laptop and a phone (CSS pixels).
WIDTHS = (1300, 390)

_PROBE = """<script>
window.__pollmcErrors = [];
window.addEventListener("error", function (e) { window.__pollmcErrors.push(String(e.message)); });
(function () {
  var original = console.error;
  console.error = function () {
    window.__pollmcErrors.push(Array.prototype.join.call(arguments, " "));
    return original.apply(console, arguments);
  };
})();
window.addEventListener("load", function () {
  var root = document.documentElement, width = window.innerWidth;
  var wide = Array.prototype.filter.call(document.body.querySelectorAll("*"), function (el) {
    return el.getBoundingClientRect().right > width + 1 && !el.closest(".scroll, details:not([open])");
  }).slice(0, 5).map(function (el) { return el.tagName.toLowerCase() + (el.className ? "." + el.className : ""); });
  parent.postMessage(JSON.stringify({scroll_width: root.scrollWidth, window_width: width,
                                     errors: window.__pollmcErrors, too_wide: wide}), "*");
});
</script>"""

_FRAME = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="margin:0">
<iframe src="{page}" style="width:{width}px;height:2000px;border:0;display:block"></iframe>
<script>window.addEventListener("message", function (e) {{
  var out = document.createElement("pre"); out.id = "pollmc-probe"; out.textContent = e.data;
  document.body.appendChild(out);
}});</script></body></html>"""


@dataclass
class PageCheck:
    """What the browser saw at one window width."""

    width: int
    scroll_width: int
    errors: list[str]
    too_wide: list[str]
    screenshot: Path | None

    @property
    def passed(self) -> bool:
        return self.scroll_width <= self.width and not self.errors

    def __str__(self) -> str:
        verdict = "ok" if self.passed else "FAILED"
        text = f"{self.width} px: page {self.scroll_width} px wide, {len(self.errors)} script errors: {verdict}"
        if self.scroll_width > self.width and self.too_wide:
            text += f" (wider than the window: {', '.join(self.too_wide)})"
        if self.errors:
            text += "; errors: " + " | ".join(self.errors)
        return text


def find_chromium() -> str | None:
    """The Chromium executable on PATH (Debian's `chromium`, or `chromium-browser`), or None."""
    return next((found for name in ("chromium", "chromium-browser", "google-chrome")
                 if (found := shutil.which(name))), None)


def _chromium(executable: str, width: int, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([executable, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                           f"--window-size={max(width, 500)},2000", "--virtual-time-budget=10000", *arguments],
                          capture_output=True, text=True, timeout=120, check=False)


def check_page(page: Path, screenshots: Path | None = None, widths: tuple[int, ...] = WIDTHS,
               executable: str | None = None) -> list[PageCheck]:
    """Check `page` at each width; screenshots go to `screenshots` (report-WIDTH.png) if given."""
    executable = executable or find_chromium()
    if executable is None:
        raise FileNotFoundError("Chromium not found: install it (Debian: apt-get install chromium)")
    page = Path(page).resolve()
    text = page.read_text(encoding="utf-8")
    head = re.search(r"<head[^>]*>", text, flags=re.IGNORECASE)
    if head is None:
        raise ValueError(f"{page}: no <head> element")
    probed = text[: head.end()] + _PROBE + text[head.end():]
    results = []
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / page.name
        copy.write_text(probed, encoding="utf-8")
        for width in widths:
            frame = Path(folder) / f"frame-{width}.html"
            frame.write_text(_FRAME.format(page=copy.name, width=width), encoding="utf-8")
            done = _chromium(executable, width, "--dump-dom", frame.as_uri())
            found = re.search(r'<pre id="pollmc-probe">(.*?)</pre>', done.stdout, flags=re.DOTALL)
            if found is None:
                raise RuntimeError(f"Chromium did not load {page} at {width} px: {done.stderr.strip()[-500:]}")
            probe = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&")
                               .replace("&lt;", "<").replace("&gt;", ">"))
            shot = None
            if screenshots is not None:
                screenshots.mkdir(parents=True, exist_ok=True)
                shot = screenshots / f"{page.stem}-{width}.png"
                _chromium(executable, width, f"--screenshot={shot}", frame.as_uri())
            results.append(PageCheck(width, int(probe["scroll_width"]), list(probe["errors"]),
                                     list(probe["too_wide"]), shot))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", type=Path, help="an HTML report")
    parser.add_argument("--screenshots", type=Path, help="folder for the screenshots")
    args = parser.parse_args(argv)
    checks = check_page(args.page, args.screenshots)
    for check in checks:
        print(check)
        if check.screenshot:
            print(f"  screenshot: {check.screenshot}")
    return 0 if all(c.passed for c in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
