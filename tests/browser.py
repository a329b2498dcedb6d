"""A minimal Chrome DevTools Protocol client for headless Chromium over ``--remote-debugging-pipe``
(standard library only), shared by the browser tests of the report and of the web app.

No driver, no download, no websocket library, no network port: Chromium reads JSON commands on
file descriptor 3 and writes replies and events on descriptor 4, each message ended by a NUL byte.
"""
from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "chrome")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
         "--no-default-browser-check", "--disable-extensions", "--disable-sync", "--disable-background-networking",
         "--disable-component-update", "--mute-audio", "--hide-scrollbars", "--remote-debugging-pipe")


def find_chromium() -> str | None:
    for name in CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


class BrowserError(RuntimeError):
    pass


class Browser:
    """One headless Chromium with one page: ``with Browser(path) as b: b.goto(url) …``.

    The browser starts on ``__enter__`` and stops on ``__exit__`` (or ``close()``).
    """

    def __init__(self, executable: str | None = None, *, width: int = 1280, height: int = 1600,
                 timeout: float = 20.0):
        self.executable = executable or find_chromium()
        if not self.executable:
            raise BrowserError("chromium not found (apt-get install chromium)")
        self.width, self.height = width, height
        self.timeout = timeout
        self.events: list[dict] = []
        self.proc: subprocess.Popen | None = None
        self._next = 0
        self._buf = b""

    def __enter__(self) -> Browser:
        self._profile = tempfile.mkdtemp(prefix="cdp-profile-")
        cmd_r, self._cmd_w = os.pipe()
        self._out_r, out_w = os.pipe()

        def child_fds() -> None:  # runs in the child: put the pipe ends on fds 3 and 4
            a = fcntl.fcntl(cmd_r, fcntl.F_DUPFD, 10)  # out of the way first, so one dup2 cannot clobber the other
            b = fcntl.fcntl(out_w, fcntl.F_DUPFD, 10)
            os.dup2(a, 3)
            os.dup2(b, 4)

        try:
            try:
                self.proc = subprocess.Popen(
                    [self.executable, *FLAGS, f"--user-data-dir={self._profile}",
                     f"--window-size={self.width},{self.height}", "about:blank"],
                    pass_fds=(3, 4), preexec_fn=child_fds, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL)
            finally:
                os.close(cmd_r)
                os.close(out_w)
            targets = self.call("Target.getTargets")["targetInfos"]
            page = next(t["targetId"] for t in targets if t["type"] == "page")
            self.session = self.call("Target.attachToTarget", targetId=page, flatten=True)["sessionId"]
            for domain in ("Page", "Runtime"):
                self.call(f"{domain}.enable", session=True)
            self.call("Emulation.setDeviceMetricsOverride", session=True, width=self.width, height=self.height,
                      deviceScaleFactor=1, mobile=False)
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            try:
                self.timeout = 3.0
                self.call("Browser.close")
            except (BrowserError, OSError):
                pass
        for fd in (self._cmd_w, self._out_r):
            try:
                os.close(fd)
            except OSError:
                pass
        if self.proc is not None:
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        shutil.rmtree(self._profile, ignore_errors=True)

    # --- protocol -------------------------------------------------------------------------------
    def _read(self, deadline: float) -> dict:
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._out_r], [], [], left)[0]:
                raise BrowserError("chromium did not answer in time")
            chunk = os.read(self._out_r, 1 << 20)
            if not chunk:
                raise BrowserError(f"chromium closed the pipe (exit code {self.proc.poll() if self.proc else None})")
            self._buf += chunk
        message, self._buf = self._buf.split(b"\0", 1)
        return json.loads(message)

    def call(self, method: str, *, session: bool = False, **params) -> dict:
        """Send one command (to the page's session when ``session``) and return its result; events
        that arrive meanwhile are kept in ``self.events``."""
        self._next += 1
        message = {"id": self._next, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        os.write(self._cmd_w, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self._next:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    # --- page -----------------------------------------------------------------------------------
    def js(self, expression: str):
        """Value of a JavaScript expression in the page (a JSON-serialisable value; promises are awaited)."""
        result = self.call("Runtime.evaluate", session=True, expression=expression, returnByValue=True,
                           awaitPromise=True)
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise BrowserError(f"script failed: {details.get('text')} "
                               f"{details.get('exception', {}).get('description', '')} in {expression[:120]}")
        return result.get("result", {}).get("value")

    def wait_for(self, expression: str, timeout: float | None = None):
        """Poll a JavaScript expression until it is truthy; return its value."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while time.monotonic() < deadline:
            try:
                value = self.js(expression)
            except BrowserError:
                value = None
            if value:
                return value
            time.sleep(0.05)
        raise BrowserError(f"timed out waiting for {expression[:120]}")

    def goto(self, url: str) -> None:
        """Navigate and wait until the new document has loaded."""
        self.call("Page.navigate", session=True, url=url)
        self.wait_loaded(url)

    def wait_loaded(self, url_prefix: str | None = None) -> None:
        cond = "document.readyState === 'complete'"
        if url_prefix:
            cond += f" && location.href.startsWith({json.dumps(url_prefix.split('?')[0])})"
        self.wait_for(cond)

    def click(self, selector: str) -> None:
        """A real mouse click (pressed and released) in the middle of the element."""
        box = self.js(f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
                      f" if (!e) return null; e.scrollIntoView({{block: 'center'}});"
                      f" const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }})()")
        if box is None:
            raise BrowserError(f"no element matches {selector!r}")
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", session=True, type=kind, x=box[0], y=box[1], button="left",
                      clickCount=1)

    def click_and_wait(self, selector: str) -> None:
        """Click a link or submit button (from script) and wait for the next page to load."""
        marker = self.js("(() => { window.__cdpOld = true; return location.href; })()")
        ok = self.js(f"""(() => {{ const el = document.querySelector({json.dumps(selector)});
            if (!el) return false; el.click(); return true; }})()""")
        if not ok:
            raise BrowserError(f"no element {selector} on {marker}")
        self.wait_for("window.__cdpOld === undefined && document.readyState === 'complete'")

    def type_text(self, selector: str, text: str) -> None:
        """Click into the element and type, as a person would (real input events)."""
        self.click(selector)
        self.call("Input.insertText", session=True, text=text)

    def fill(self, selector: str, value: str) -> None:
        """Set a form field's value from script and fire ``input``."""
        ok = self.js(f"""(() => {{ const el = document.querySelector({json.dumps(selector)});
            if (!el) return false; el.focus(); el.value = {json.dumps(value)};
            el.dispatchEvent(new Event('input', {{bubbles: true}})); return true; }})()""")
        if not ok:
            raise BrowserError(f"no element {selector}")

    def select(self, selector: str, value: str) -> None:
        self.fill(selector, value)

    def text(self, selector: str = "body") -> str:
        return self.js(f"(document.querySelector({json.dumps(selector)}) || {{}}).innerText || ''")

    def dialogs(self) -> list[dict]:
        """The JavaScript dialogs (alert, confirm, prompt) the page has opened so far."""
        return [e for e in self.events if e["method"] == "Page.javascriptDialogOpening"]

    def screenshot(self, path: Path, *, beyond_viewport: bool = False) -> Path:
        data = self.call("Page.captureScreenshot", session=True, format="png",
                         **({"captureBeyondViewport": True} if beyond_viewport else {}))["data"]
        path = Path(path)
        path.write_bytes(base64.b64decode(data))
        return path
