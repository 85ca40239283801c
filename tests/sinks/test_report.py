"""report.html in a real browser: it renders, with no console message from the page;
and its charts keep their labels inside the picture and off the bars."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from formcheck.evaluator.thresholds import Thresholds
from formcheck.frontends.analyze import AnalyzeOptions, analyze_input
from formcheck.sinks.document import CoveragePart, EpisodePart, SummaryDocument
from formcheck.sinks.report import (
    coverage_svg,
    position_svg,
    render_report,
    speed_svg,
    timeline_codes,
    timeline_svg,
)
from formcheck.sinks.summary import SessionRecord
from formcheck.vocabulary import CheckId, CueKey, Status
from tests.sinks.helpers import recorded_summary

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


def _demo(**update: object) -> SummaryDocument:
    """The demo clip's recorded summary (a video, 0:20, five fault episodes), changed."""
    doc = recorded_summary("analyze-demo-summary.json")
    return doc.model_copy(update=update)


def _with_check(doc: SummaryDocument, check: CheckId, **fields: object) -> SummaryDocument:
    checks = dict(doc.checks)
    checks[check] = checks[check].model_copy(update=fields)
    return doc.model_copy(update={"checks": checks})


def _chips(page: str) -> dict[str, tuple[str, str]]:
    """{label: (chip's class, its text)} of the verdict chips."""
    found = re.findall(r'<div class="chip (\w+)"[^>]*><b>([^<]*)</b>(.*?)</div>', page)
    return {label: (kind, " ".join(re.sub(r"<[^>]+>", " ", body).split()) + " ")
            for kind, label, body in found}


def _visible_text(page: str) -> str:
    """The page's words as a reader sees them: no style, no embedded data, no tags."""
    page = re.sub(r"<style>.*?</style>", " ", page, flags=re.S)
    page = re.sub(r'"data:[^"]*"', '""', page)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_chips_are_graded_by_the_time_in_good_form() -> None:
    # given the demo's checks (knees 91% and feet 79% in good form, with 1 and 2 fault
    # episodes), the speed in good form 60% of the time and the hips never judged
    doc = _with_check(_demo(), CheckId.ROLLING_SPEED, ok_fraction=0.6)
    doc = _with_check(doc, CheckId.HIP_HEIGHT, status=Status.UNKNOWN, ok_fraction=None,
                      known_fraction=0.0)
    assert doc.checks[CheckId.KNEES_BENT].status is Status.FAULT
    record = SessionRecord()
    record.unknown_reasons[CheckId.HIP_HEIGHT]["Roller not visible"] = 30
    record.unknown_reasons[CheckId.HIP_HEIGHT]["Lie on your back"] = 2
    # when
    chips = _chips(render_report(doc, record, [], title="t", video_path=None))
    # then a check mostly in good form is not a red fault: it says how many faults
    assert chips["Knees bent"][0] == "mostly" and "mostly ok, 1 fault " in chips["Knees bent"][1]
    assert "91% of the time in good form" in chips["Knees bent"][1]
    assert chips["Feet flat"][0] == "mostly" and "mostly ok, 2 faults" in chips["Feet flat"][1]
    speed = chips["Rolling speed"]
    assert speed[0] == "fault" and "needs work, 1 fault" in speed[1]
    assert chips["Head supported"][0] == "ok"
    # and a check never judged says why, in words
    assert chips["Hip height"] == ("unknown", "not judged: roller not visible ")
    assert not any("unknown" in text or "–" in text for _kind, text in chips.values())


def test_the_headline_says_what_the_score_means_beside_the_time_in_good_form() -> None:
    doc = _demo()
    assert doc.score is not None and doc.session.duration_s is not None
    page = render_report(doc, SessionRecord(), [], title="t", video_path=None)
    header = _visible_text(page.partition("<header>")[2].partition("</header>")[0])
    assert f"{doc.score}/100" in header.replace(" ", "")
    assert f"in good form {doc.score}% of the time it was judged" in header
    # (the demo's good-form time, under 10 s, as m:ss; it moves when the goldens do)
    good = doc.session.good_form_s
    assert good is not None and good < 9.5
    assert f"No fault among the checks judged: 0:{round(good):02d} of 0:20" in header
    # without a score: no number, and why
    page = render_report(_demo(score=None), SessionRecord(), [], title="t", video_path=None)
    header = _visible_text(page.partition("<header>")[2].partition("</header>")[0])
    assert "no score" in header and "No score: no check was judged" in header
    assert "/100" not in header


def test_the_header_tells_where_to_film_from_when_the_camera_lost_the_roller() -> None:
    doc = _demo()
    assert doc.camera is not None and doc.camera.advice is None  # the demo stood well
    page = render_report(doc, SessionRecord(), [], title="t", video_path=None)
    assert "Tip:" not in page
    advice = "the roller's place was unknown 70% of the time from here: film side-on"
    far = _demo(camera=doc.camera.model_copy(update={"advice": advice}))
    page = render_report(far, SessionRecord(), [], title="t", video_path=None)
    header = _visible_text(page.partition("<header>")[2].partition("</header>")[0])
    assert f"Tip: {advice}." in header


def test_no_internal_names_on_the_page() -> None:
    # given the demo's report, with a check never judged
    doc = _with_check(_demo(), CheckId.HIP_HEIGHT, status=Status.UNKNOWN, ok_fraction=None)
    text = _visible_text(render_report(doc, SessionRecord(), [], title="t", video_path=None))
    # then no check id, no summary field, no formula: the checks' names and words
    assert not [c.value for c in CheckId if c.value in text]
    assert "ok_fraction" not in text and "checks." not in text and "<id>" not in text
    assert "How the score is made" in text and "Roller position 3" in text


def test_the_timelines_red_spans_are_the_fault_episodes() -> None:
    # given 10 s at 10 frames/s: the knees faulty from 2.0 s to 4.0 s (the frames),
    # reported from 2.5 s to 4.5 s (once it lasted half a second, cleared as late); and
    # from 5.0 s to 7.0 s, reported from 5.5 s, then not readable, reported so at 8.0 s
    # (a second's grace)
    record = SessionRecord()
    for i in range(100):
        t = i / 10
        record.t_s.append(t)
        for c in CheckId:
            own = 2 if 2.0 <= t < 4.0 or 5.0 <= t < 7.0 else (0 if t >= 7.0 else 1)
            said = 2 if 2.5 <= t < 4.5 or 5.5 <= t < 8.0 else (0 if t >= 8.0 else 1)
            knees = c is CheckId.KNEES_BENT
            record.frame_status[c].append(own if knees else 1)
            record.status[c].append(said if knees else 1)
    episodes = [EpisodePart(check=CheckId.KNEES_BENT, start_s=a, end_s=b,
                            cue="Bend your knees", key=CueKey.KNEES_BENT)
                for a, b in ((2.0, 4.0), (5.0, 7.0))]
    svg = timeline_svg(record, episodes)
    # then the red spans and the episodes' boxes are the same
    rects = re.findall(r'<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)"[^>]*'
                       r'(fill="#eb4040"|stroke="#7a0000")', svg)
    red = [(float(x), float(w)) for x, _y, w, kind in rects if kind.startswith("fill")]
    box = [(float(x), float(w)) for x, _y, w, kind in rects if kind.startswith("stroke")]
    assert len(red) == len(box) == 2
    assert red == [pytest.approx(b, abs=0.2) for b in box]
    codes = timeline_codes(record, CheckId.KNEES_BENT, episodes)
    assert [i for i, c in enumerate(codes) if c == 2] == [*range(20, 40), *range(50, 70)]
    # and outside them: good where the fault was clearing, grey where not readable
    assert set(codes[40:45]) == {1} and set(codes[70:]) == {0}


@needs_browser
def test_a_portrait_video_keeps_a_sane_size(tmp_path: Path) -> None:
    # given a report on a portrait picture (400x1200 px, magenta)
    import cv2

    picture = tmp_path / "annotated.png"
    cv2.imwrite(str(picture), np.full((1200, 400, 3), (255, 0, 255), np.uint8))
    page = tmp_path / "report.html"
    page.write_text(render_report(recorded_summary(), SessionRecord(), [], title="t",
                                  video_path=None, image_path=picture))
    shot = tmp_path / "report.png"
    # when it is shown in a 1100x2400 window
    assert _open(page, tmp_path / "profile", shot) == []
    image = cv2.imread(str(shot))
    assert image is not None
    magenta = (image[:, :, 1] < 40) & (image[:, :, 0] > 215) & (image[:, :, 2] > 215)
    rows = np.flatnonzero(magenta.any(axis=1))
    # then the picture is at most 720 px tall, its shape kept
    assert rows.size and rows.max() - rows.min() + 1 <= 722
    cols = np.flatnonzero(magenta.any(axis=0))
    shape = (rows.max() - rows.min() + 1) / (cols.max() - cols.min() + 1)
    assert shape == pytest.approx(3, rel=0.03)


def _numbers_text(page: str) -> str:
    table = re.split(r"<h2>(?:Session n|N)umbers</h2>", page)[1].partition("</section>")[0]
    return " ".join(_visible_text(table).split())


def test_a_photo_has_no_time_to_count_and_says_whether_it_is_in_good_form() -> None:
    # given the golden photo (every check judged is ok), and the same with a fault
    photo = recorded_summary()
    faulty = _with_check(photo, CheckId.FEET_FLAT, status=Status.FAULT, ok_fraction=0.0)
    # when drawn
    pages = [render_report(d, SessionRecord(), [], title="t", video_path=None)
             for d in (photo, faulty)]
    numbers = [_numbers_text(page) for page in pages]
    # then no duration, strokes or speed (a photo has no time), and good form yes / no
    assert photo.input.kind == "image" and photo.session.good_form_s == 0.0
    for section in ("Every check over time", "<h2>Rolling speed", "The worst moment", "analysed"):
        assert section not in pages[0]
    assert "Duration" not in numbers[0] and "Strokes" not in numbers[0]
    assert numbers[0].endswith("judged) yes") and numbers[1].endswith("judged) no")


def test_no_fault_is_praised_as_well_rolled_only_where_a_roller_was_seen() -> None:
    # given the demo (rolled, five episodes but no thumbnails passed) and the same clip
    # with no rolling time
    rolled = _visible_text(render_report(_demo(), SessionRecord(), [], title="t",
                                         video_path=None))
    demo = _demo()
    unrolled = _visible_text(render_report(
        _demo(session=demo.session.model_copy(update={"rolling_s": 0.0})), SessionRecord(),
        [], title="t", video_path=None))
    # then only the clip with a roller under the back is "well rolled"
    assert "Well rolled." in rolled and "Well rolled." not in unrolled
    assert "no roller was seen under the back" in unrolled
