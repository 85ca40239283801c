"""``report.html``: one self-contained page a person would rather look at than read.

Verdicts at a glance, a timeline of every check, the roller's position along the back
over time with the zones, coverage, speed, a thumbnail of the worst moment of each
fault, the summary numbers and the annotated video. Plots are inline SVG and images
are data URIs: no script, no network, nothing beside the file (the video is embedded
up to ``EMBED_VIDEO_MAX_BYTES``; a longer one is linked as ``annotated.mp4`` beside it).

The page speaks the user's words, never the summary's: checks by their labels, the
score's formula in words. The headline says what the score means beside the time with
no fault among the checks judged (or "no score" and why). Each check's chip is one of
ok (green); mostly ok, N faults (amber: in good form for at least ``MOSTLY_OK_MIN`` of
the time it was judged); needs work, N faults (red); not judged: why (grey, the
commonest reason the check was unknown). In the timeline the red spans are the fault
episodes, which the boxes outline.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from formcheck.evaluator.thresholds import Thresholds
from formcheck.sinks.document import CheckPart, CoveragePart, EpisodePart, SummaryDocument
from formcheck.sinks.summary import SessionRecord
from formcheck.vocabulary import (
    CHECK_IDS,
    CHECK_LABELS,
    NO_SCORE_NOTHING_JUDGED,
    SCORE_MIN_KNOWN,
    SCORE_MIN_WEIGHT,
    SCORE_NEEDS,
    SCORE_WEIGHTS,
    ZONE_LABELS,
    CheckId,
    Status,
    zone_of,
)

EMBED_VIDEO_MAX_BYTES = 25 * 1024 * 1024
MOSTLY_OK_MIN = 0.75
"""A check with faults reads "mostly ok" (amber) when it was in good form for at least
this share of the time it was judged, "needs work" (red) below."""
FULLY_JUDGED = 0.9
"""A check judged for less than this share of the session says for how much."""
_COL = {0: "#a5a5a5", 1: "#4cbe5e", 2: "#eb4040"}
# white text on each reads at 4.5:1 or more (WCAG AA) except the green, kept as before
_CHIP_COL = {"ok": "#2e9e44", "mostly": "#a35f00", "fault": "#d93636", "unknown": "#767676"}


@dataclass(frozen=True)
class Thumbnail:
    """The worst moment of one fault episode: a small JPEG and what it shows."""

    check: CheckId
    t_s: float
    jpeg: bytes
    caption: str


def _fmt_s(t: float | None) -> str:
    if t is None:
        return "–"
    m, s = divmod(round(t), 60)
    return f"{m}:{s:02d}"


def _pct(x: object) -> str:
    return "–" if not isinstance(x, int | float) else f"{100 * x:.0f}%"


def _runs(t: Sequence[float], codes: Sequence[int]) -> list[tuple[float, float, int]]:
    out: list[tuple[float, float, int]] = []
    for i, c in enumerate(codes):
        end = t[i + 1] if i + 1 < len(t) else t[i] + (t[i] - t[i - 1] if i else 0.1)
        if out and out[-1][2] == c:
            out[-1] = (out[-1][0], end, c)
        else:
            out.append((t[i], end, c))
    return out


class _Axis:
    def __init__(self, t0: float, t1: float, x0: float, x1: float) -> None:
        self.t0, self.t1, self.x0, self.x1 = t0, max(t1, t0 + 1e-6), x0, x1

    def x(self, t: float) -> float:
        return self.x0 + (t - self.t0) / (self.t1 - self.t0) * (self.x1 - self.x0)

    def ticks(self, y: float) -> str:
        span = self.t1 - self.t0
        step = next(s for s in (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1e9) if span / s <= 8)
        parts = []
        t = 0.0
        while t <= self.t1 + 1e-9:
            if t >= self.t0:
                x = self.x(t)
                parts.append(f'<line x1="{x:.1f}" y1="{y - 4}" x2="{x:.1f}" y2="{y}" '
                             'stroke="#999"/>')
                parts.append(f'<text x="{x:.1f}" y="{y + 14}" class="tick">{_fmt_s(t)}</text>')
            t += step
        return "".join(parts)


def timeline_codes(
    record: SessionRecord, check: CheckId, episodes: Sequence[EpisodePart],
) -> list[int]:
    """The colour code of each frame of ``check``'s row (0 not judged, 1 ok, 2 fault).

    A fault is drawn over its episode, from the fault's first frame to its first good
    one, the span the episode's box outlines. The reported status lags the frames
    (a fault is reported once it has lasted ``fault_onset_s`` and cleared as late), so
    where it says fault outside an episode the frames were good (the clearing) or not
    readable (the grace before unknown). A photo has no episodes: its status is drawn.
    """
    spans = [(e.start_s, e.end_s) for e in episodes if e.check is check]
    reported, own = record.status[check], record.frame_status[check]
    if len(record.t_s) <= 1 or len(own) != len(reported):
        return list(reported)
    codes = []
    for t, r, f in zip(record.t_s, reported, own, strict=True):
        if any(a - 1e-6 <= t < b - 1e-6 for a, b in spans):
            codes.append(2)
        elif r == 2:
            codes.append(0 if f == 0 else 1)
        else:
            codes.append(r)
    return codes


def timeline_svg(record: SessionRecord, episodes: Sequence[EpisodePart]) -> str:
    """One row per check, coloured by status over time, fault episodes outlined: the
    red spans are the episodes (see :func:`timeline_codes`)."""
    if not record.t_s:
        return "<p>No frames analysed.</p>"
    w, left, row = 900, 150, 26
    h = row * len(CHECK_IDS) + 30
    ax = _Axis(record.t_s[0], record.t_s[-1] + _last_dt(record.t_s), left, w - 10)
    parts = [f'<svg viewBox="0 0 {w} {h}" class="plot" role="img" '
             'aria-label="timeline of every check">']
    for k, check in enumerate(CHECK_IDS):
        y = 4 + k * row
        parts.append(f'<text x="{left - 8}" y="{y + 15}" class="lbl" text-anchor="end">'
                     f'{CHECK_LABELS[check]}</text>')
        for a, b, c in _runs(record.t_s, timeline_codes(record, check, episodes)):
            width = max(ax.x(b) - ax.x(a), 0.5)
            parts.append(f'<rect x="{ax.x(a):.1f}" y="{y}" width="{width:.1f}"'
                         f' height="{row - 6}" fill="{_COL[c]}"/>')
        for ep in episodes:
            if ep.check is check:
                a, b = ep.start_s, ep.end_s
                parts.append(
                    f'<rect x="{ax.x(a):.1f}" y="{y - 1}" width="{max(ax.x(b) - ax.x(a), 1):.1f}"'
                    f' height="{row - 4}" fill="none" stroke="#7a0000" stroke-width="1.5">'
                    f'<title>{html.escape(ep.cue)}: {_fmt_s(a)}–{_fmt_s(b)}</title></rect>'
                )
    parts.append(ax.ticks(h - 16))
    parts.append("</svg>")
    return "".join(parts)


def _last_dt(t: Sequence[float]) -> float:
    return (t[-1] - t[-2]) if len(t) > 1 else 0.1


def _polyline(xs: Sequence[float], ys: Sequence[float | None], colour: str) -> str:
    """Polylines broken at missing values."""
    parts: list[list[str]] = []
    current: list[str] = []
    for x, y in zip(xs, ys, strict=True):
        if y is None:
            if len(current) > 1:
                parts.append(current)
            current = []
        else:
            current.append(f"{x:.1f},{y:.1f}")
    if len(current) > 1:
        parts.append(current)
    return "".join(
        f'<polyline points="{" ".join(p)}" fill="none" stroke="{colour}" stroke-width="2"/>'
        for p in parts
    )


def position_svg(record: SessionRecord, th: Thresholds) -> str:
    """The roller's contact along the back over time, over the three zone bands."""
    if not any(p is not None for p in record.position):
        return "<p class='muted'>The roller was not seen under the back.</p>"
    w, h, left, top, bottom = 900, 240, 150, 8, 26
    lo, hi = -0.2, 1.2
    ax = _Axis(record.t_s[0], record.t_s[-1] + _last_dt(record.t_s), left, w - 10)

    def y(p: float) -> float:
        return top + (min(max(p, lo), hi) - lo) / (hi - lo) * (h - top - bottom)

    bands = [
        (lo, th.roller_neck_max, "#fde2e2", "Neck"),
        (th.roller_neck_max, th.roller_lower_back_min, "#e1f4e4", "Shoulder blades"),
        (th.roller_lower_back_min, hi, "#fde2e2", "Lower back"),
    ]
    parts = [f'<svg viewBox="0 0 {w} {h}" class="plot" role="img" '
             'aria-label="roller position along the back">']
    for a, b, colour, label in bands:
        parts.append(f'<rect x="{left}" y="{y(a):.1f}" width="{w - 10 - left}" '
                     f'height="{y(b) - y(a):.1f}" fill="{colour}"/>')
        parts.append(f'<text x="{left - 8}" y="{(y(a) + y(b)) / 2 + 4:.1f}" class="lbl" '
                     f'text-anchor="end">{label}</text>')
    xs = [ax.x(t) for t in record.t_s]
    ys = [None if p is None else y(p) for p in record.position]
    parts.append(_polyline(xs, ys, "#1f4fbf"))
    parts.append(ax.ticks(h - bottom + 6))  # labels' baseline 6 px above the bottom edge
    parts.append("</svg>")
    return "".join(parts)


def speed_svg(record: SessionRecord, th: Thresholds) -> str:
    """Rolling speed over time with the limit."""
    speeds = record.value[CheckId.ROLLING_SPEED]
    known = [v for v in speeds if v is not None]
    if not known:
        return "<p class='muted'>No rolling speed was measured.</p>"
    w, h, left, top, bottom = 900, 180, 150, 8, 26
    vmax = max(max(known), th.speed_max_cm_s * 1.5)
    ax = _Axis(record.t_s[0], record.t_s[-1] + _last_dt(record.t_s), left, w - 10)

    def y(v: float) -> float:
        return top + (1 - min(v, vmax) / vmax) * (h - top - bottom)

    parts = [f'<svg viewBox="0 0 {w} {h}" class="plot" role="img" aria-label="rolling speed">']
    ly = y(th.speed_max_cm_s)
    parts.append(f'<line x1="{left}" y1="{ly:.1f}" x2="{w - 10}" y2="{ly:.1f}" '
                 'stroke="#d93636" stroke-dasharray="6 4"/>')
    parts.append(f'<text x="{left - 8}" y="{ly + 4:.1f}" class="lbl" text-anchor="end">'
                 f'limit {th.speed_max_cm_s:g} cm/s</text>')
    parts.append(f'<text x="{left - 8}" y="{y(0) + 4:.1f}" class="lbl" text-anchor="end">0</text>')
    parts.append(_polyline([ax.x(t) for t in record.t_s],
                           [None if v is None else y(v) for v in speeds], "#6b3fa0"))
    parts.append(ax.ticks(h - bottom + 6))  # labels' baseline 6 px above the bottom edge
    parts.append("</svg>")
    return "".join(parts)


def hips_svg(record: SessionRecord, th: Thresholds) -> str:
    """The hips' height over time (how much weight rests on the roller) with the limit
    above which they count as high: torso lengths above the shoulder -> ankle line."""
    rises = record.value[CheckId.HIP_HEIGHT]
    known = [v for v in rises if v is not None]
    if not known:
        return "<p class='muted'>The hips' height was not read.</p>"
    w, h, left, top, bottom = 900, 180, 150, 8, 26
    lim = th.hip_rise_max_torso
    vmin, vmax = min(min(known), -0.3), max(max(known), lim * 2)
    ax = _Axis(record.t_s[0], record.t_s[-1] + _last_dt(record.t_s), left, w - 10)

    def y(v: float) -> float:
        return top + (1 - (min(max(v, vmin), vmax) - vmin) / (vmax - vmin)) * (h - top - bottom)

    parts = [f'<svg viewBox="0 0 {w} {h}" class="plot" role="img" aria-label="hip height">']
    ly = y(lim)
    parts.append(f'<line x1="{left}" y1="{ly:.1f}" x2="{w - 10}" y2="{ly:.1f}" '
                 'stroke="#d93636" stroke-dasharray="6 4"/>')
    parts.append(f'<text x="{left - 8}" y="{ly + 4:.1f}" class="lbl" text-anchor="end">'
                 'hips high</text>')
    parts.append(f'<text x="{left - 8}" y="{y(vmin) + 4:.1f}" class="lbl" '
                 'text-anchor="end">seat down</text>')
    parts.append(_polyline([ax.x(t) for t in record.t_s],
                           [None if v is None else y(v) for v in rises], "#bf7a1f"))
    parts.append(ax.ticks(h - bottom + 6))  # labels' baseline 6 px above the bottom edge
    parts.append("</svg>")
    return "".join(parts)



def _hundredths(x: float) -> str:
    """``x`` to two decimals, a rounded -0.001 shown as 0.00 (not -0.00)."""
    text = f"{x:.2f}"
    return "0.00" if text == "-0.00" else text

def coverage_svg(coverage: CoveragePart, th: Thresholds) -> str:
    """Seconds per slice of the back, as horizontal bars from shoulder (top) to hip.

    Bins are slices of the shoulder-to-hip line (0 at the shoulders, 1 at the hips, the
    evaluator's uniform ``bin_edges``). Bars are labelled by zone on the left, the
    shoulder and hip lines are marked on the right, and the seconds are on an axis
    below: no label sits on a bar.
    """
    edges = [e for e in coverage.bin_edges if e is not None]
    secs = [s or 0.0 for s in coverage.bin_s]
    if not secs or max(secs) <= 0 or len(edges) != len(secs) + 1:
        return "<p class='muted'>No coverage: the roller was not seen under the back.</p>"
    w, bar_h, left, right, top = 460, 12, 128, 62, 5
    bars_h = bar_h * len(secs)
    h = top + bars_h + 28
    span = w - left - right
    smax = max(secs)

    def y(p: float) -> float:
        """SVG y of position ``p`` along the shoulder-to-hip line (uniform bins)."""
        return float(top + (p - edges[0]) / (edges[-1] - edges[0]) * bars_h)

    def zone(mid: float) -> str:
        return ZONE_LABELS[zone_of(mid, th.roller_neck_max, th.roller_lower_back_min)]

    parts = [f'<svg viewBox="0 0 {w} {h}" class="plot small" role="img" '
             'aria-label="coverage of the back">']
    groups: list[tuple[str, float, float]] = []  # (zone, top y, bottom y) of runs of bars
    for i, s in enumerate(secs):
        mid = (edges[i] + edges[i + 1]) / 2
        name = zone(mid)
        colour = "#4cbe5e" if name == "Shoulder blades" else "#eb8080"
        y0 = top + i * bar_h
        parts.append(f'<rect x="{left}" y="{y0}" width="{span * s / smax:.1f}" '
                     f'height="{bar_h - 2}" fill="{colour}"><title>{name}, '
                     f"{_hundredths(edges[i])} to {_hundredths(edges[i + 1])} of the way "
                     "from shoulders to hips: "
                     f"{s:.1f} s</title>"
                     "</rect>")
        if groups and groups[-1][0] == name:
            groups[-1] = (name, groups[-1][1], y0 + bar_h - 2)
        else:
            groups.append((name, y0, y0 + bar_h - 2))
    for name, a, b in groups:
        parts.append(f'<line x1="{left - 5}" y1="{a:.1f}" x2="{left - 5}" y2="{b:.1f}" '
                     'stroke="#999"/>')
        parts.append(f'<text x="{left - 10}" y="{(a + b) / 2 + 4:.1f}" class="lbl" '
                     f'text-anchor="end">{name}</text>')
    for p, name in ((0.0, "shoulders"), (1.0, "hips")):
        if edges[0] <= p <= edges[-1]:
            parts.append(f'<line x1="{left}" y1="{y(p) - 1:.1f}" x2="{w - right + 4}" '
                         f'y2="{y(p) - 1:.1f}" stroke="#555" stroke-dasharray="3 3"/>')
            parts.append(f'<text x="{w - right + 8}" y="{y(p) + 2:.1f}" class="note">'
                         f"{name}</text>")
    axis_y = top + bars_h + 2
    parts.append(f'<line x1="{left}" y1="{axis_y}" x2="{left + span}" y2="{axis_y}" '
                 'stroke="#999"/>')
    digits = 0 if smax >= 10 else 1
    for s, x in ((0.0, left), (smax / 2, left + span / 2), (smax, left + span)):
        parts.append(f'<line x1="{x:.1f}" y1="{axis_y}" x2="{x:.1f}" y2="{axis_y + 4}" '
                     'stroke="#999"/>')
        label = f"{s:.{digits if s else 0}f} s"
        parts.append(f'<text x="{x:.1f}" y="{axis_y + 15}" class="tick">{label}</text>')
    parts.append("</svg>")
    return "".join(parts)


_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:#f5f6f8;
color:#1d1f23}
header{background:#1d2433;color:#fff;padding:24px 32px;display:flex;align-items:center;gap:32px}
header h1{margin:0;font-size:22px;font-weight:600}header .sub{opacity:.75;font-size:14px}
.score{font-size:56px;font-weight:700;line-height:1}.score small{font-size:16px;opacity:.7}
.score .none{font-size:30px;white-space:nowrap}
main{max-width:980px;margin:0 auto;padding:24px 16px}
section{background:#fff;border-radius:10px;padding:18px 22px;margin-bottom:18px;
box-shadow:0 1px 3px rgba(0,0,0,.08)}
h2{font-size:17px;margin:0 0 12px}
.chips{display:flex;flex-wrap:wrap;gap:10px}
.chip{border-radius:8px;padding:10px 14px;color:#fff;min-width:150px;max-width:260px}
.chip b{display:block;font-size:15px}.chip span{display:block;font-size:13px;opacity:.95}
.meaning{margin:6px 0 2px;font-size:15px;max-width:720px}
.plot{width:100%;height:auto}.plot.small{max-width:460px}
.lbl{font-size:12px;fill:#333}.tick{font-size:10px;fill:#666;text-anchor:middle}
.note{font-size:10px;fill:#555}
table{border-collapse:collapse;font-size:14px}td{padding:4px 14px 4px 0}
td:first-child{color:#555}
.thumbs{display:flex;flex-wrap:wrap;gap:12px}.thumbs figure{margin:0;width:300px}
.thumbs img{width:100%;border-radius:6px}.thumbs figcaption{font-size:13px;color:#444}
.media video,.media img{display:block;width:100%;height:auto;max-height:min(70vh,720px);
object-fit:contain;border-radius:8px;background:#000}.muted{color:#777}
.legend span{display:inline-block;width:12px;height:12px;border-radius:2px;margin:0 4px 0 12px;
vertical-align:-1px}
footer{font-size:12px;color:#666;max-width:980px;margin:0 auto;padding:0 16px 32px}
"""


def render_report(
    summary: SummaryDocument,
    record: SessionRecord,
    thumbnails: Sequence[Thumbnail],
    *,
    title: str,
    video_path: Path | None,
    image_path: Path | None = None,
    thresholds: Thresholds | None = None,
) -> str:
    """The whole report page as one HTML string."""
    th = thresholds or Thresholds()
    checks = summary.checks
    session = summary.session
    episodes = summary.fault_episodes
    score = summary.score
    photo = summary.input.kind == "image"
    known = sum(1 for c in CHECK_IDS if checks[c].status is not Status.UNKNOWN)
    chips = "".join(
        _chip(c, checks[c], sum(1 for e in episodes if e.check is c),
              record.commonest_reason(c), photo=photo)
        for c in CHECK_IDS
    )
    media = _media(video_path, image_path)
    thumbs = _thumbs(thumbnails, rolled=bool(session.rolling_s))
    table = _numbers(summary)
    ep_rows = "".join(
        f"<tr><td>{_fmt_s(e.start_s)}–{_fmt_s(e.end_s)}</td>"
        f"<td>{html.escape(e.cue)}</td></tr>" for e in episodes
    )
    legend = _LEGEND
    camera = ("" if summary.camera is None else
              f" judged from {html.escape(summary.camera.place)} ·")
    if summary.others is not None:
        camera += f" {html.escape(summary.others.words)} ·"
    if score is not None:
        big = f"{score}<small>/100</small>"
        basis = f"score from {known} of {len(CHECK_IDS)} checks ·"
    else:
        big = '<span class="none">no score</span>'
        basis = f"{known} of {len(CHECK_IDS)} checks judged ·"
    # a photo has no time: no timeline, positions, speed, hips over time or episodes
    over_time = "" if photo else f"""<section><h2>Every check over time</h2>{legend}\
{timeline_svg(record, episodes)}
{f"<table>{ep_rows}</table>" if ep_rows else ""}</section>
<section><h2>Where the roller was on your back</h2>
{position_svg(record, th)}
<h2 style="margin-top:16px">Coverage (time on each part of the back, shoulders at the top)</h2>
{coverage_svg(summary.roller.coverage, th)}</section>
<section><h2>Rolling speed</h2>{speed_svg(record, th)}</section>
<section><h2>Hip height (pressure on the roller: higher hips, more weight; start gently)</h2>
{hips_svg(record, th)}</section>
<section><h2>The worst moment of each fault</h2><div class="thumbs">{thumbs}</div></section>"""
    when = ("a photo" if photo else
            f"{_fmt_s(session.duration_s)} analysed · {len(episodes)} fault episode(s)")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>formcheck report: {html.escape(title)}</title><style>{_CSS}</style></head>
<body><header><div class="score">{big}</div>
<div><h1>Foam rolling, upper back: {html.escape(title)}</h1>
<p class="meaning">{html.escape(headline(summary))}</p>
{_advice(summary)}
<div class="sub">{basis}
{when} ·{camera}
formcheck {html.escape(summary.formcheck_version)}</div></div></header>
<main>
<section><h2>Verdicts</h2><div class="chips">{chips}</div></section>
{media}
{over_time}
<section><h2>{"Numbers" if photo else "Session numbers"}</h2><table>{table}</table></section>
</main>
<footer>{html.escape(score_in_words(photo))} formcheck coaches form;
it does not diagnose. With a back condition (herniated disc, spinal stenosis) ask a
professional first, and stop at once on pain, numbness or tingling.</footer>
</body></html>
"""


def _advice(summary: SummaryDocument) -> str:
    """The camera advice as a paragraph under the headline, or nothing."""
    advice = None if summary.camera is None else summary.camera.advice
    return "" if not advice else f'<p class="meaning">Tip: {html.escape(advice)}.</p>'


def no_score_reason(summary: SummaryDocument) -> str:
    """Why there is no score: the summary's own reason (an older summary has none)."""
    return summary.score_reason or NO_SCORE_NOTHING_JUDGED


def headline(summary: SummaryDocument) -> str:
    """What the score means, beside the time in good form (no fault among the checks
    judged, at least one judged)."""
    session = summary.session
    if summary.input.kind == "image":
        if summary.score is None:
            return f"No score: {no_score_reason(summary)}."
        return ("The share of the checks judged in this photo that are in good form, "
                "weighted by how much harm each fault does.")
    together = (f"No fault among the checks judged: {_fmt_s(session.good_form_s)} of "
                f"{_fmt_s(session.duration_s)}.")
    if summary.score is None:
        return f"No score: {no_score_reason(summary)}. {together}"
    return (f"On average each check was in good form {summary.score}% of the time it was "
            f"judged, weighted by how much harm its fault does. {together}")


def score_in_words(photo: bool = False) -> str:
    """How the score is made, in words (the formula of ``summary.json``'s
    ``score_formula``), with the checks' names and weights."""
    by_weight: dict[float, list[str]] = {}
    for c in sorted(CHECK_IDS, key=lambda c: (-SCORE_WEIGHTS[c], CHECK_IDS.index(c))):
        by_weight.setdefault(SCORE_WEIGHTS[c], []).append(CHECK_LABELS[c])
    weights = "; ".join(f"{', '.join(names)} {w:g}" for w, names in by_weight.items())
    each = ("for each check judged in the photo, whether it is in good form" if photo else
            f"for each check judged for at least {SCORE_MIN_KNOWN:.0%} of the session, the "
            "share of the time it was judged that it was in good form")
    needs = [CHECK_LABELS[c] for c in SCORE_NEEDS]
    unless = [f"{' and '.join(needs)} {'is' if len(needs) == 1 else 'are'} among them",
              f"they carry at least {SCORE_MIN_WEIGHT:.0%} of the weight"]
    rule = f" No score unless {' and '.join(unless)}."
    return (f"How the score is made: {each}; the mean of these, weighted by how much harm "
            f"each fault does ({weights}), times 100, rounded.{rule}")


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _chip(check: CheckId, part: CheckPart, faults: int, reason: str | None, *,
          photo: bool = False) -> str:
    """One check's verdict: ok (green), mostly ok with N faults (amber: in good form at
    least ``MOSTLY_OK_MIN`` of the judged time), needs work with N faults (red), or not
    judged with why (grey)."""
    ok = part.ok_fraction
    if part.status is Status.UNKNOWN or ok is None:
        kind = "unknown"
        why = _lower_first(reason.rstrip(".")) if reason else "never seen well enough"
        lines = [f"not judged: {why}"]
    else:
        n = max(faults, 1)
        many = f"{n} fault{'s' if n != 1 else ''}"
        if part.status is Status.OK:
            kind, verdict = "ok", "ok"
        elif photo:
            kind, verdict = "fault", "fault"
        elif ok >= MOSTLY_OK_MIN:
            kind, verdict = "mostly", f"mostly ok, {many}"
        else:
            kind, verdict = "fault", f"needs work, {many}"
        lines = [verdict]
        if not photo:
            lines.append(f"{_pct(ok)} of the time in good form")
            if part.known_fraction < FULLY_JUDGED:
                lines.append(f"judged {_pct(part.known_fraction)} of the time")
    spans = "".join(f"<span>{html.escape(line)}</span>" for line in lines)
    return (f'<div class="chip {kind}" style="background:{_CHIP_COL[kind]}">'
            f"<b>{CHECK_LABELS[check]}</b>{spans}</div>")


_LEGEND = ('<div class="legend"><span style="background:#4cbe5e"></span>ok'
           '<span style="background:#eb4040"></span>fault'
           '<span style="background:#a5a5a5"></span>not judged'
           '<span style="background:none;border:1.5px solid #7a0000"></span>fault episode, '
           'from its first faulty moment to its first good one (told once it has lasted '
           'about half a second)</div>')


def _media(video_path: Path | None, image_path: Path | None) -> str:
    """The annotated video (embedded up to EMBED_VIDEO_MAX_BYTES, else linked) or photo."""
    if video_path is not None and video_path.is_file():
        size = video_path.stat().st_size
        if size <= EMBED_VIDEO_MAX_BYTES:
            src = "data:video/mp4;base64," + base64.b64encode(video_path.read_bytes()).decode()
        else:
            src = html.escape(video_path.name)
        return (f'<section class="media"><h2>Annotated video</h2><video controls '
                f'preload="metadata" src="{src}"></video></section>')
    if image_path is not None and image_path.is_file():
        src = "data:image/png;base64," + base64.b64encode(image_path.read_bytes()).decode()
        return (f'<section class="media"><h2>Annotated photo</h2><img alt="annotated photo" '
                f'src="{src}"></section>')
    return ""


def _thumbs(thumbnails: Sequence[Thumbnail], rolled: bool = True) -> str:
    """The worst moment of each fault episode, as captioned pictures; without any, a
    line that praises the rolling only where a roller was seen under the back."""
    none = ("No fault was reported. Well rolled." if rolled else
            "No fault was reported (no roller was seen under the back, so the roller's "
            "checks were not judged).")
    return "".join(
        f'<figure><img alt="{html.escape(t.caption)}" src="data:image/jpeg;base64,'
        f'{base64.b64encode(t.jpeg).decode()}"><figcaption><b>{CHECK_LABELS[t.check]}</b> at '
        f"{_fmt_s(t.t_s)}: {html.escape(t.caption)}</figcaption></figure>"
        for t in thumbnails
    ) or f"<p class='muted'>{html.escape(none)}</p>"


def _numbers(summary: SummaryDocument) -> str:
    """The session's numbers, as table rows."""
    session = summary.session
    strokes = session.strokes
    speed = session.speed
    episodes = summary.fault_episodes
    if summary.input.kind == "image":
        # a photo has no time: no duration, strokes, speed, holds or episodes to count
        judged = [c for c in summary.checks.values() if c.status is not Status.UNKNOWN]
        good = bool(judged) and all(c.status is Status.OK for c in judged)
        rows = [("In good form (no fault among the checks judged)",
                 "yes" if good else "no" if judged else "–")]
    else:
        rows = [
            ("Duration", _fmt_s(session.duration_s)),
            ("Rolling (roller under the back)", _fmt_s(session.rolling_s)),
            ("Target session", "10–15 min, 2–3 times a week"),
            ("Time in good form (no fault among the checks judged)",
             f"{_fmt_s(session.good_form_s)} of {_fmt_s(session.duration_s)}"),
            ("Strokes", f"{strokes.count}"),
            # per stroke: its length over its time; per frame: the speed the limit is
            # checked on
            ("Average stroke speed (length ÷ time of each pass)",
             f"{strokes.mean_speed_cm_s or '–'} cm/s"),
            ("Moment-to-moment speed, mean / max (incl. pauses)",
             f"{speed.mean_cm_s or '–'} / {speed.max_cm_s or '–'} cm/s"),
            ("Holds (roller still a few seconds)", f"{session.holds.count}"),
            ("Fault episodes", f"{len(episodes)}"),
        ]
    return "".join(f"<tr><td>{html.escape(a)}</td><td>{html.escape(str(b))}</td></tr>"
                   for a, b in rows)
