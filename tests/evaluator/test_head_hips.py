"""head_supported and hip_height: kinematic tests at and around the thresholds, and
properties (camera place, mirroring) of the pure readings in head_hips.py."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from formcheck.evaluator import Evaluator
from formcheck.evaluator.config import EvaluatorConfig, SetupConfig, ThresholdsConfig
from formcheck.evaluator.head_hips import (
    HEAD_LINE_IN_LINE_DEG,
    HEAD_LINE_PER_NECK,
    arms_hold_head,
    body_axes,
    hands_at_head_torso,
    head_line_deg,
    hip_rise_torso,
    judge_head,
    judge_hips,
    neck_extension_deg,
    neck_from_head_line,
)
from formcheck.evaluator.thresholds import DEFAULT_THRESHOLDS as TH
from formcheck.pose.frame import Pose, PoseFrame
from formcheck.pose.landmarks import NUM_LANDMARKS, Landmark
from formcheck.vocabulary import CheckId, Status

L: type[Landmark] = Landmark
TORSO = 0.5  # m


def lying_body(head_deg: float = 0.0, hip_rise: float = -0.1, wrist_ear_torso: float = 0.6,
               torso_tilt_deg: float = 12.0) -> np.ndarray:
    """(33, 3) world landmarks (m) of a body lying on its back: x towards the feet, y
    the body's left, z up. The head pitched ``head_deg`` back from in line (ear -> nose
    along the chest's normal at 0), the mid-hip ``hip_rise`` torso lengths above the
    shoulder -> ankle line, the nearer wrist ``wrist_ear_torso`` torso lengths from the
    ears."""
    w = np.zeros((NUM_LANDMARKS, 3))
    a = math.radians(torso_tilt_deg)
    sh = np.array([-TORSO * math.cos(a), 0.0, 0.25])
    ank_c = np.array([0.55, 0.0, 0.08])
    # put the hip where asked: on the line's normal through its foot point
    d = (ank_c - sh) / np.linalg.norm(ank_c - sh)
    up = np.cross(np.array([0.0, 1.0, 0.0]), d)
    if up[2] < 0:
        up = -up
    # along the line so the torso keeps its length
    hip = sh + TORSO * math.sqrt(1.0 - hip_rise**2) * d + hip_rise * TORSO * up
    spine = (sh - hip) / np.linalg.norm(sh - hip)
    chest = np.cross(np.array([0.0, 1.0, 0.0]), spine)
    if chest[2] < 0:
        chest = -chest
    for side, y in (("LEFT", 1.0), ("RIGHT", -1.0)):
        w[L[f"{side}_SHOULDER"]] = sh + np.array([0, 0.18 * y, 0])
        w[L[f"{side}_HIP"]] = hip + np.array([0, 0.15 * y, 0])
        w[L[f"{side}_KNEE"]] = (hip + ank_c) / 2 + np.array([0, 0.12 * y, 0.3])
        w[L[f"{side}_ANKLE"]] = ank_c + np.array([0, 0.11 * y, 0])
        w[L[f"{side}_HEEL"]] = ank_c + np.array([-0.04, 0.11 * y, -0.05])
        w[L[f"{side}_FOOT_INDEX"]] = ank_c + np.array([0.17, 0.11 * y, -0.06])
        w[L[f"{side}_ELBOW"]] = sh + np.array([0.15, 0.22 * y, 0.1])
    # the neck bends at its base and at the skull: the ear swings back by
    # HEAD_LINE_PER_NECK of the face's pitch about the shoulders (head_hips.py)
    line = math.radians(HEAD_LINE_IN_LINE_DEG - HEAD_LINE_PER_NECK * head_deg)
    ear = sh + 0.2 * (math.cos(line) * spine + math.sin(line) * chest)
    for side, y in (("LEFT", 1.0), ("RIGHT", -1.0)):
        w[L[f"{side}_EAR"]] = ear + np.array([0, 0.07 * y, 0])
    h = math.radians(head_deg)
    face = math.cos(h) * chest + math.sin(h) * spine
    w[L.NOSE] = ear + 0.1 * face
    for i in (L.LEFT_EYE, L.RIGHT_EYE, L.MOUTH_LEFT, L.MOUTH_RIGHT):
        w[i] = w[L.NOSE]
    away = np.cross(face, np.array([0.0, 1.0, 0.0]))
    away = away / np.linalg.norm(away)
    w[L.LEFT_WRIST] = ear + wrist_ear_torso * TORSO * away
    w[L.RIGHT_WRIST] = w[L.LEFT_WRIST] + 0.05 * away
    return w


def readings(w: np.ndarray, seen: np.ndarray | None = None
             ) -> tuple[float, float, float, float]:
    axes = body_axes(w)
    assert axes is not None
    return (neck_extension_deg(w, axes, seen), hands_at_head_torso(w, axes, seen),
            hip_rise_torso(w, axes), neck_from_head_line(head_line_deg(w, axes, seen)))


# exact landmarks carry none of the pose model's bias in reading the shoulder -> ear line,
# nor its compressed depth, which the learned camera reading is fitted to: the geometric
# reading is exact for them
EXACT = EvaluatorConfig(thresholds=ThresholdsConfig(head_line_read_bias_deg=0.0),
                        setup=SetupConfig(camera_reading="geometric"))


@pytest.mark.parametrize("head", [-30.0, -10.0, 0.0, 14.0, 16.0, 40.0])
def test_neck_extension_reads_the_head_pitch(head: float) -> None:
    neck, _, _, from_line = readings(lying_body(head_deg=head))
    assert neck == pytest.approx(head, abs=1e-6)
    # the shoulder -> ear line, which the evaluator reads, gives the same angle back
    assert from_line == pytest.approx(head, abs=1e-6)


@pytest.mark.parametrize("rise", [-0.3, 0.0, 0.14, 0.16, 0.3])
def test_hip_rise_reads_the_hips_above_the_line(rise: float) -> None:
    assert readings(lying_body(hip_rise=rise))[2] == pytest.approx(rise, abs=1e-6)


@pytest.mark.parametrize(("head", "want"), [
    (TH.neck_extension_max_deg - 1.0, Status.OK),
    (TH.neck_extension_max_deg, Status.OK),
    (TH.neck_extension_max_deg + 1.0, Status.FAULT),
    (-25.0, Status.OK),
    (45.0, Status.FAULT),
])
def test_head_at_and_around_the_threshold(head: float, want: Status) -> None:
    _, hands, _, neck = readings(lying_body(head_deg=head))
    got = judge_head(neck, hands, TH.neck_extension_max_deg, TH.hands_at_head_max_torso)
    assert got.status is want


def test_a_face_read_tucked_does_not_confirm_a_hanging_head() -> None:
    _, hands, _, neck = readings(lying_body(head_deg=40.0))
    th = (TH.neck_extension_max_deg, TH.hands_at_head_max_torso)
    assert judge_head(neck, hands, *th, face_deg=20.0).status is Status.FAULT
    assert judge_head(neck, hands, *th, face_deg=-20.0).status is Status.OK
    # no nose, no say: the ear line decides
    assert judge_head(neck, hands, *th, face_deg=math.nan).status is Status.FAULT


@pytest.mark.parametrize(("wrist", "want"), [
    (TH.hands_at_head_max_torso - 0.02, Status.OK),
    (TH.hands_at_head_max_torso + 0.02, Status.FAULT),
])
def test_hands_behind_the_head_hold_a_head_tipped_back(wrist: float, want: Status) -> None:
    _, hands, _, neck = readings(lying_body(head_deg=40.0, wrist_ear_torso=wrist))
    assert hands == pytest.approx(wrist, abs=1e-6)
    got = judge_head(neck, hands, TH.neck_extension_max_deg, TH.hands_at_head_max_torso)
    assert got.status is want


@pytest.mark.parametrize(("rise", "want"), [
    (TH.hip_rise_max_torso - 0.01, Status.OK),
    (TH.hip_rise_max_torso + 0.01, Status.FAULT),
    (-0.25, Status.OK),
    (0.35, Status.FAULT),
])
def test_hips_at_and_around_the_threshold(rise: float, want: Status) -> None:
    got = judge_hips(readings(lying_body(hip_rise=rise))[2], TH.hip_rise_max_torso)
    assert got.status is want


def test_unseen_head_is_unknown_and_unseen_hands_do_not_hold_it() -> None:
    w = lying_body(head_deg=40.0, wrist_ear_torso=0.2)
    seen = np.ones(NUM_LANDMARKS, bool)
    seen[[L.LEFT_EAR, L.RIGHT_EAR]] = False
    neck, hands, _, from_line = readings(w, seen)
    assert math.isnan(neck) and math.isnan(hands) and math.isnan(from_line)
    assert judge_head(neck, hands, 15, 0.4).status is Status.UNKNOWN
    seen = np.ones(NUM_LANDMARKS, bool)
    seen[[L.LEFT_WRIST, L.RIGHT_WRIST]] = False
    neck, hands, _, _ = readings(w, seen)
    assert math.isnan(hands)
    assert judge_head(neck, hands, 15, 0.4).status is Status.FAULT
    w[L.LEFT_ANKLE] = np.nan
    assert judge_hips(readings(w)[2], 0.15).status is Status.UNKNOWN


def _rotation(a: float, b: float, c: float) -> np.ndarray:
    def rx(t: float) -> np.ndarray:
        return np.array([[1, 0, 0], [0, math.cos(t), -math.sin(t)], [0, math.sin(t), math.cos(t)]])

    def rz(t: float) -> np.ndarray:
        return np.array([[math.cos(t), -math.sin(t), 0], [math.sin(t), math.cos(t), 0], [0, 0, 1]])

    rotation: np.ndarray = rz(a) @ rx(b) @ rz(c)
    return rotation


def _mirrored(w: np.ndarray) -> np.ndarray:
    """The body seen in a mirror: coordinates reflected, and left and right swapped (a
    mirrored left arm is a right arm)."""
    m = w * np.array([1.0, -1.0, 1.0])
    out: np.ndarray = m.copy()
    for name in L.__members__:
        if name.startswith("LEFT_"):
            r = "RIGHT_" + name[5:]
            out[L[name]], out[L[r]] = m[L[r]], m[L[name]]
    return out


bodies = st.tuples(st.floats(-40, 60), st.floats(-0.4, 0.4), st.floats(0.1, 1.0),
                   st.floats(-5, 30))
angles = st.tuples(*(st.floats(-math.pi, math.pi) for _ in range(3)))


@settings(max_examples=60, deadline=None)
@given(body=bodies, rot=angles, shift=st.tuples(*(st.floats(-3, 3) for _ in range(3))))
def test_camera_place_does_not_change_the_readings(
    body: tuple[float, float, float, float], rot: tuple[float, float, float],
    shift: tuple[float, float, float],
) -> None:
    w = lying_body(*body)
    moved = w @ _rotation(*rot).T + np.array(shift)
    np.testing.assert_allclose(readings(moved), readings(w), atol=1e-6)


@settings(max_examples=60, deadline=None)
@given(body=bodies)
def test_mirroring_does_not_change_the_readings(
    body: tuple[float, float, float, float],
) -> None:
    w = lying_body(*body)
    np.testing.assert_allclose(readings(_mirrored(w)), readings(w), atol=1e-6)


def _frame(i: int, w: np.ndarray) -> PoseFrame:
    xy = 500 + 400 * w[:, [0, 2]] * np.array([1.0, -1.0])
    pose = Pose.from_pixels(xy, (1280, 720))
    pose = Pose(pose.xy, pose.normalized, w, pose.visibility, pose.presence)
    return PoseFrame(index=i, t_ms=i * 100.0, width=1280, height=720, pose=pose)


def test_evaluator_cues_a_hanging_head_after_half_a_second() -> None:
    ev = Evaluator(EXACT)
    w = lying_body(head_deg=40.0)
    statuses, cues = [], []
    for i in range(10):
        v = ev.update(_frame(i, w))
        statuses.append(v.checks[CheckId.HEAD_SUPPORTED].status)
        cues.append(v.cue.text if v.cue else None)
    assert v.checks[CheckId.HEAD_SUPPORTED].frame_status is Status.FAULT
    assert statuses[0] is not Status.FAULT and statuses[-1] is Status.FAULT
    assert "Support your head with your hands" in cues
    assert v.checks[CheckId.HIP_HEIGHT].status is Status.OK


def test_evaluator_reads_high_hips_and_no_world_means_unknown() -> None:
    v = Evaluator(EXACT, still=True).update(_frame(0, lying_body(hip_rise=0.3)))
    assert v.checks[CheckId.HIP_HEIGHT].status is Status.FAULT
    assert v.checks[CheckId.HEAD_SUPPORTED].status is Status.OK
    flat = _frame(0, np.zeros((NUM_LANDMARKS, 3)))
    v = Evaluator(still=True).update(flat)
    assert v.checks[CheckId.HIP_HEIGHT].status is Status.UNKNOWN
    assert v.checks[CheckId.HEAD_SUPPORTED].status is Status.UNKNOWN


def test_the_evaluator_reads_the_ear_from_the_image_not_the_model_depth() -> None:
    """The pose model places the ears in the image well and in depth poorly: with the
    world ears put back in line but the image showing the head hanging, the reading
    lifted from the image still finds the neck extended, and the other way round."""
    hanging, in_line = lying_body(head_deg=40.0), lying_body(head_deg=0.0)
    ears = [L.LEFT_EAR, L.RIGHT_EAR]
    for shown, depth, want in ((hanging, in_line, Status.FAULT), (in_line, hanging, Status.OK)):
        frame = _frame(0, shown)
        assert frame.pose is not None
        world = frame.pose.world.copy()
        world[ears] = depth[ears]
        frame = replace(frame, pose=replace(frame.pose, world=world))
        v = Evaluator(EXACT, still=True).update(frame)
        assert v.checks[CheckId.HEAD_SUPPORTED].status is want


def _arms(w: np.ndarray, elbow_along: float, wrist_along: float) -> np.ndarray:
    """The arms moved along the spine from the shoulders (torso lengths), out to the
    sides: elbows beside the head and wrists behind it when both are raised."""
    axes = body_axes(w)
    assert axes is not None
    out = w.copy()
    for side, y in (("LEFT", 1.0), ("RIGHT", -1.0)):
        base = axes.shoulder + 0.2 * y * axes.lateral
        out[L[f"{side}_ELBOW"]] = base + elbow_along * TORSO * axes.spine
        out[L[f"{side}_WRIST"]] = axes.shoulder + wrist_along * TORSO * axes.spine
    return out


@pytest.mark.parametrize(("elbow", "wrist", "want"), [
    (0.2, 0.4, True),    # hands behind the head
    (0.02, 0.15, True),  # just past the shoulders
    (-0.3, -0.2, False),  # arms crossed on the chest
    (0.2, 0.05, False),  # elbows up, hands by the shoulders
    (0.8, 1.2, False),   # arms stretched overhead: they hold nothing
])
def test_the_arms_raised_to_the_head_hold_it(elbow: float, wrist: float, want: bool) -> None:
    w = _arms(lying_body(head_deg=40.0), elbow, wrist)
    axes = body_axes(w)
    assert axes is not None
    assert arms_hold_head(w, axes) is want


def test_a_hanging_head_held_by_raised_arms_is_ok_though_the_wrists_are_not_found() -> None:
    w = _arms(lying_body(head_deg=40.0), 0.2, 0.4)
    # the model puts the hidden wrists far from the ears (they still read past the
    # shoulders along the spine)
    w[[L.LEFT_WRIST, L.RIGHT_WRIST]] += np.array([0.0, 0.0, 0.35])
    frame = _frame(0, w)
    v = Evaluator(EXACT, still=True).update(frame)
    assert v.checks[CheckId.HEAD_SUPPORTED].status is Status.OK
    v = Evaluator(EXACT, still=True).update(_frame(0, lying_body(head_deg=40.0)))
    assert v.checks[CheckId.HEAD_SUPPORTED].status is Status.FAULT
