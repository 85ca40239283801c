"""report.html in a real browser: it renders, with no console message from the page;
and its charts keep their labels inside the picture and off the bars."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from formcheck.evaluator.thresholds import Thresholds
from formcheck.frontends.analyze import AnalyzeOptions, analyze_input
from formcheck.sinks.document import CoveragePart
from formcheck.sinks.report import coverage_svg, position_svg, speed_svg
from formcheck.sinks.summary import SessionRecord
from formcheck.vocabulary import CheckId

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_browser = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium not installed (scripts/setup.sh --dev)"
)


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


@pytest.mark.model
@needs_browser
def test_console_check_sees_page_errors(tmp_path: Path) -> None:
    # given a page that logs an error and throws
    page = tmp_path / "control.html"
    page.write_text("<script>console.error('control'); notDefined();</script>")
    # then the check below would notice
    lines = _open(page, tmp_path / "profile")
    assert any("control" in ln for ln in lines)
    assert any("notDefined" in ln for ln in lines)


@pytest.mark.model
@needs_browser
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


def _texts(svg: str) -> list[tuple[float, float, str]]:
    """(x, y, text) of every ``<text>`` of an SVG, in its user units."""
    return [(float(x), float(y), t) for x, y, t in
            re.findall(r'<text x="([-\d.]+)" y="([-\d.]+)"[^>]*>([^<]*)</text>', svg)]


def _height(svg: str) -> float:
    match = re.search(r'viewBox="0 0 [\d.]+ ([\d.]+)"', svg)
    assert match is not None
    return float(match.group(1))


def test_time_axis_labels_are_inside_the_charts() -> None:
    # given 20 s of rolling
    record = SessionRecord()
    for i in range(200):
        record.t_s.append(i * 0.1)
        record.position.append(0.3 + 0.2 * (i % 20) / 20)
        record.value[CheckId.ROLLING_SPEED].append(5.0 + i % 10)
    for svg in (position_svg(record, Thresholds()), speed_svg(record, Thresholds())):
        ticks = [(y, t) for _x, y, t in _texts(svg) if re.fullmatch(r"\d+:\d\d", t)]
        # then every tick label's baseline leaves room for the glyphs' descent
        assert [t for _y, t in ticks][:2] == ["0:00", "0:05"]
        assert all(y <= _height(svg) - 4 for y, _t in ticks)


def test_coverage_labels_are_words_beside_the_bars() -> None:
    # given time on every slice of the back
    edges = [round(-0.2 + 0.1 * i, 3) for i in range(15)]
    svg = coverage_svg(CoveragePart(zone_s={}, bin_edges=edges,
                                    bin_s=[1.0 + i for i in range(14)]), Thresholds())
    texts = _texts(svg)
    words = {t for _x, _y, t in texts}
    # then the zones and the shoulder and hip lines are named; no bare fraction is shown
    assert {"Neck", "Shoulder blades", "Lower back", "shoulders", "hips"} <= words
    assert not any(re.fullmatch(r"[-+]?\d\.\d\d", t) for t in words)
    # and no label sits on a bar: beside them (left or right) or below them
    bars = [tuple(float(v) for v in m) for m in
            re.findall(r'<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"',
                       svg)]
    left = min(b[0] for b in bars)
    right = max(b[0] + b[2] for b in bars)
    bottom = max(b[1] + b[3] for b in bars)
    for x, y, t in texts:
        assert x < left or x > right or y - 8 > bottom, t
    assert _height(svg) >= max(y for _x, y, _t in texts) + 4
