"""Property tests: verdicts do not depend on where and how big the person is in the
image, which way they face, or a small camera roll; broken landmarks never raise.

Generated values stay a margin away from the thresholds, so that a roll of up to 3
degrees cannot honestly move them across: knee 10 degrees, foot pitch 8 degrees, roller
position 0.04 (from the shoulder blades' edges, and from where a fault starts past
them: roller.zone_margin), ankle lift 0.15 shin (with straight legs the ankle lies ~2 shin lengths
from the hip, so 3 degrees of roll move it 0.1 shin).
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from formcheck.evaluator.evaluator import Evaluator, evaluate_still
from formcheck.evaluator.results import FrameVerdict
from formcheck.pose.frame import Pose, PoseFrame
from formcheck.pose.landmarks import SIDE_LANDMARKS
from formcheck.vocabulary import CheckId, Side, Status
from tests.evaluator.kinematic import BodySpec, make_frame, make_roller

BIG = (2400, 1400)

knee = st.one_of(st.floats(50, 130), st.floats(150, 179))
pitch = st.one_of(st.floats(-12, 12), st.floats(28, 60), st.floats(-60, -28))
lift = st.one_of(st.floats(-0.5, 0.1), st.floats(0.4, 1.0))
position = st.one_of(st.floats(-0.15, 0.01), st.floats(0.14, 0.41), st.floats(0.54, 0.95))
side = st.sampled_from(list(Side))


@st.composite
def bodies(draw: st.DrawFn) -> tuple[BodySpec, float]:
    spec = BodySpec(
        knee_deg=draw(knee),
        foot_pitch_deg=draw(pitch),
        ankle_lift_shin=draw(lift),
        torso_tilt_deg=draw(st.floats(0, 30)),
        yaw_deg=draw(st.floats(0, 35)),
        near_side=draw(side),
        head_side=draw(side),
        image_size=BIG,
        center_px=(1200.0, 700.0),
    )
    return spec, draw(position)


def _statuses(v: FrameVerdict) -> dict[CheckId, Status]:
    return {c: x.status for c, x in v.checks.items()}


def _eval(spec: BodySpec, p: float) -> FrameVerdict:
    return evaluate_still(make_frame(spec), make_roller(spec, p))


COMMON = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@COMMON
@given(
    bodies(),
    st.floats(2.0, 6.0),
    st.floats(900, 1500),
    st.floats(550, 850),
)
def test_translation_and_scale_do_not_change_verdicts(
    body: tuple[BodySpec, float], scale: float, cx: float, cy: float
) -> None:
    # given a pose and the same pose moved and resized
    spec, p = body
    moved = spec.with_(px_per_cm=scale, center_px=(cx, cy))
    # when
    a, b = _eval(spec, p), _eval(moved, p)
    # then the verdicts and values agree
    assert a.setup.code is b.setup.code
    assert _statuses(a) == _statuses(b)
    for check in (CheckId.KNEES_BENT, CheckId.FEET_FLAT, CheckId.ROLLER_POSITION):
        va, vb = a.checks[check].value, b.checks[check].value
        assert va is not None and vb is not None
        assert math.isclose(va, vb, abs_tol=1e-6)


@COMMON
@given(bodies())
def test_mirroring_does_not_change_verdicts(body: tuple[BodySpec, float]) -> None:
    # given a pose facing one way, and facing the other way from the other side
    spec, p = body
    mirrored = spec.with_(
        head_side=Side(spec.head_side).other,
        near_side=Side(spec.near_side).other,
    )
    # when
    a, b = _eval(spec, p), _eval(mirrored, p)
    # then
    assert _statuses(a) == _statuses(b)
    assert a.head_side != b.head_side
    assert a.near_side != b.near_side


@COMMON
@given(bodies(), st.floats(-3.0, 3.0))
def test_small_camera_roll_does_not_change_verdicts(
    body: tuple[BodySpec, float], roll: float
) -> None:
    # given the camera rolled a few degrees
    spec, p = body
    # when
    a, b = _eval(spec, p), _eval(spec.with_(roll_deg=roll), p)
    # then
    assert a.setup.code is b.setup.code
    assert _statuses(a) == _statuses(b)


REQUIRES = {
    "ankle": (CheckId.KNEES_BENT, CheckId.FEET_FLAT),
    "knee": (CheckId.KNEES_BENT, CheckId.FEET_FLAT),
    "heel": (CheckId.FEET_FLAT,),
    "foot_index": (CheckId.FEET_FLAT,),
    "hip": tuple(CheckId),
    "shoulder": (CheckId.ROLLER_POSITION, CheckId.ROLLER_ACROSS_BACK, CheckId.ROLLING_SPEED),
}


@COMMON
@given(
    bodies(),
    st.sets(st.sampled_from(sorted(REQUIRES)), min_size=1),
    st.sampled_from(["nan", "invisible", "nan_visibility", "inf"]),
)
def test_broken_landmarks_give_unknown(
    body: tuple[BodySpec, float], roles: set[str], how: str
) -> None:
    # given some landmarks (on both sides) missing in one of several ways
    spec, p = body
    frame = make_frame(spec)
    assert frame.pose is not None
    xy, vis = frame.pose.xy.copy(), frame.pose.visibility.copy()
    for role in roles:
        for s in Side:
            i = SIDE_LANDMARKS[s][role]
            if how == "nan":
                xy[i] = np.nan
            elif how == "inf":
                xy[i] = np.inf
            elif how == "invisible":
                vis[i] = 0.05
            else:
                vis[i] = np.nan
    pose = Pose.from_pixels(xy, (frame.width, frame.height), vis)
    broken = PoseFrame(0, 0.0, frame.width, frame.height, pose)
    # when
    verdict = evaluate_still(broken, make_roller(spec, p))
    # then the checks that need them are unknown with a reason
    for role in roles:
        for check in REQUIRES[role]:
            assert verdict.checks[check].status is Status.UNKNOWN
            assert verdict.checks[check].reason
    verdict.to_dict(include_landmarks=True)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["good", "nan", "none", "zeros", "vis_nan"]),
            st.floats(-0.5, 1.5),
        ),
        min_size=1,
        max_size=40,
    )
)
def test_streams_of_junk_never_raise(frames: list[tuple[str, float]]) -> None:
    # given a stream mixing good frames, empty ones and garbage
    ev = Evaluator()
    spec = BodySpec()
    for i, (kind, p) in enumerate(frames):
        t_ms = i * 33.3
        if kind == "none":
            frame = PoseFrame(i, t_ms, 1280, 720, None)
        else:
            good = make_frame(spec)
            assert good.pose is not None
            xy, vis = good.pose.xy.copy(), good.pose.visibility.copy()
            if kind == "nan":
                xy[:] = np.nan
            elif kind == "zeros":
                xy[:] = 0.0
            elif kind == "vis_nan":
                vis[:] = np.nan
            frame = PoseFrame(i, t_ms, 1280, 720, Pose.from_pixels(xy, (1280, 720), vis))
        # when
        verdict = ev.update(frame, make_roller(spec, p))
        # then every check has a status, and garbage gives no fault
        assert set(verdict.checks) == set(CheckId)
        if kind in ("nan", "vis_nan", "none"):
            assert all(v.frame_status is Status.UNKNOWN for v in verdict.checks.values())
    summary = ev.summary()
    summary.to_dict()
