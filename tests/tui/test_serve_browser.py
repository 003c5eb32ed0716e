"""`qualcode serve` in a real headless Chromium: the page loads the workbench and a key press codes.

Skipped (with the reason) where Chromium is not installed; .ci/run installs Debian's chromium.
"""

from __future__ import annotations

import asyncio
import base64
import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from qualcode.project import Project

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(url: str, seconds: float = 30) -> str:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return str(response.read().decode("utf-8"))
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


class DevTools:
    """The few Chrome DevTools Protocol calls this test needs, over aiohttp's websocket client."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.next_id = 0

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        await self.ws.send_str(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads((await self.ws.receive()).data)
            if message.get("id") == self.next_id:
                return dict(message.get("result", {}))

    async def key(self, char: str) -> None:
        for kind in ("keyDown", "keyUp"):
            await self.call(
                "Input.dispatchKeyEvent", type=kind, key=char, text=char if kind == "keyDown" else ""
            )


def _coded(project_path: Path) -> bool:
    with Project.open(project_path) as project:
        return bool(project.codings())


async def _drive(debug_port: int, url: str, screenshot: Path, project_path: Path) -> None:
    import aiohttp

    pages = json.loads(_wait_for(f"http://127.0.0.1:{debug_port}/json"))
    target = next(p for p in pages if p.get("type") == "page")
    async with aiohttp.ClientSession() as session, session.ws_connect(target["webSocketDebuggerUrl"]) as ws:
        tools = DevTools(ws)
        await tools.call("Page.enable")
        await tools.call("Page.navigate", url=url)
        # The page starts a workbench process and connects to it; until then keys go nowhere, so try
        # again (checking first that an earlier try has not landed late) until the coding is stored.
        for _attempt in range(10):
            await asyncio.sleep(3)
            if _coded(project_path):
                break
            for kind in ("mousePressed", "mouseReleased"):  # focus the terminal, as a person would
                await tools.call(
                    "Input.dispatchMouseEvent", type=kind, x=400, y=300, button="left", clickCount=1
                )
            await asyncio.sleep(0.5)
            for char in ("j", "j", "d"):  # d: Distinctiveness of the role
                await tools.key(char)
                await asyncio.sleep(0.3)
            for _ in range(10):
                if _coded(project_path):
                    break
                await asyncio.sleep(0.5)
        shot = await tools.call("Page.captureScreenshot", format="png")
        screenshot.write_bytes(base64.b64decode(shot["data"]))


def test_the_served_workbench_loads_and_codes_in_chromium(tmp_path: Path) -> None:
    project_path = tmp_path / "web.qualcode"
    repo = Path(__file__).resolve().parents[2]
    with Project.init(project_path) as project:
        project.import_codebook(repo / "codebooks" / "peer-roles.yaml", "web")
        project.import_transcripts([repo / "transcripts" / "P01.txt"], coder="web")
    port, debug_port = _free_port(), _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "qualcode", "serve", str(project_path), "--coder", "web", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    browser = None
    try:
        page = _wait_for(f"http://localhost:{port}/")
        assert "googleapis" not in page and "https://" not in page  # nothing is fetched from outside
        browser = subprocess.Popen(
            [CHROMIUM or "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1200,800",
             f"--remote-debugging-port={debug_port}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        asyncio.run(_drive(debug_port, f"http://localhost:{port}/", tmp_path / "served.png", project_path))
    finally:
        for process in (browser, server):
            if process is not None:
                process.terminate()
                process.wait(timeout=10)
    with Project.open(project_path) as project:
        codings = [(c.transcript, c.code, c.coder) for c in project.codings()]
    assert codings == [("P01", "Distinctiveness of the role", "web")]
    assert (tmp_path / "served.png").stat().st_size > 10_000
