"""report.html in a real browser: it renders, with no console message from the page."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from formcheck.frontends.analyze import AnalyzeOptions, analyze_input

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.model,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium not installed (scripts/setup.sh --dev)"),
]


def _open(page: Path, profile: Path, screenshot: Path | None = None) -> list[str]:
    """Load ``page`` headless; return the console lines Chromium logged for it."""
    assert CHROMIUM is not None
    args = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
        "--virtual-time-budget=3000", "--window-size=1100,2400", "--hide-scrollbars",
    ]
    args += [f"--screenshot={screenshot}"] if screenshot else ["--dump-dom"]
    out = subprocess.run([*args, page.as_uri()], capture_output=True, text=True, timeout=120,
                         check=False)
    return [ln for ln in out.stderr.splitlines() if "CONSOLE" in ln]


def test_console_check_sees_page_errors(tmp_path: Path) -> None:
    # given a page that logs an error and throws
    page = tmp_path / "control.html"
    page.write_text("<script>console.error('control'); notDefined();</script>")
    # then the check below would notice
    lines = _open(page, tmp_path / "profile")
    assert any("control" in ln for ln in lines)
    assert any("notDefined" in ln for ln in lines)


def test_report_renders_without_console_messages(tmp_path: Path, model_path: Path) -> None:
    from formcheck.scenes.stream import render_to_files

    # given an analysed clip with faults in it
    clip = render_to_files("straight_legs", tmp_path, seconds=3.0, size=(480, 270),
                           fps=15.0, seed=3).video
    analyze_input(clip, tmp_path / "out" / "clip",
                  AnalyzeOptions(tmp_path / "out", model_path, progress=False))
    report = tmp_path / "out" / "clip" / "report.html"
    shot = tmp_path / "report.png"
    # when
    lines = _open(report, tmp_path / "profile", shot)
    # then
    assert lines == []
    assert shot.stat().st_size > 50_000  # a rendered page, not a blank one
    html = report.read_text()
    assert html.count("<svg") >= 3 and "Bend your knees" in html
