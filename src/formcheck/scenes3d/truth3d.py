"""Truth of a rendered 3D frame, in the 2D scenes' truth schema plus the 3D facts.

Pure numpy. The renderer writes raw geometry (world joints in metres, their pixels,
what hides them, the camera, the roller's pose); this turns each row into a
:class:`formcheck.scenes.truth.TruthRecord` dict with the expected status of every
check, and keeps the 3D facts beside it.

The checks are judged on the body as it is in 3D, whatever the camera place: the knee
angle is the 3D hip-knee-ankle angle, the foot pitch the heel-to-toe line against the
floor plane, the roller's place the contact point between the 3D mid-shoulder and
mid-hip. ``knee_angle_px_deg`` keeps the angle as it projects into the image.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

import numpy as np

from formcheck.evaluator.head_hips import (
    body_axes,
    hands_at_head_torso,
    hip_rise_torso,
    neck_extension_deg,
)
from formcheck.evaluator.thresholds import Thresholds
from formcheck.pose.landmarks import Landmark
from formcheck.scenes.truth import (
    Margins,
    RollerTruth,
    SpeedAverager,
    TruthRecord,
    angle_deg,
    expected_statuses,
)

# A roller counts as seen with at least this many of its pixels in the mask.
ROLLER_MIN_PX = 60
# The place is the roller's centre along the spine; on a curved back the point the back
# rests on lies up to R sin(slope) (about 5% of the torso) from it, so a place within 5%
# of a zone edge is ambiguous.
MARGINS_3D = Margins(position=0.05)
SHIN_CM_DEFAULT = 40.0
# Within these of a threshold the head's and hips' truth is ambiguous: the landmarks'
# places on the mesh (ear, nose, wrist) are a few centimetres from the anatomy's.
NECK_MARGIN_DEG = 7.0
HANDS_MARGIN_TORSO = 0.08
HIP_RISE_MARGIN_TORSO = 0.05


def _v(x: Any) -> np.ndarray:
    return np.asarray(x, dtype=float)


def foot_pitch_3d(heel: np.ndarray, toe: np.ndarray) -> float:
    """The heel -> toe line against the floor plane (z up), degrees, + toes up."""
    d = toe - heel
    return math.degrees(math.atan2(d[2], math.hypot(d[0], d[1])))


def near_side(raw: dict[str, Any]) -> str:
    """The body side nearer the camera, by the hips' depth."""
    dep = raw["depth_m"]
    return "left" if dep["left_hip"] < dep["right_hip"] else "right"


def facing(raw: dict[str, Any]) -> str:
    """The side of the image the head is on."""
    px = raw["joints_px"]
    head_x = px["nose"][0]
    feet_x = (px["left_ankle"][0] + px["right_ankle"][0]) / 2
    return "left" if head_x < feet_x else "right"


def roller_contact(raw: dict[str, Any], hip_mid: np.ndarray, sh_mid: np.ndarray,
                   ) -> tuple[float, np.ndarray, tuple[float, float]]:
    """The roller's place along the back (0 mid-shoulder, 1 mid-hip), its contact with
    the back (world m) and that contact's pixel.

    The place is the roller's centre projected on the mid-hip to mid-shoulder line, and
    the contact the point of the roller's surface facing that line: both move smoothly
    as the roller rolls (the mesh vertex nearest the roller jumps from vertex to vertex).
    """
    ro = raw["roller"]
    c = _v(ro["center"])
    seg = sh_mid - hip_mid
    k = float(np.dot(c - hip_mid, seg) / np.dot(seg, seg))
    foot = hip_mid + k * seg
    to_line = foot - c
    dist = float(np.linalg.norm(to_line))
    contact = c + (to_line / dist * float(ro["radius"]) if dist > 1e-9 else 0.0)
    K, Rt = _v(raw["K"]), _v(raw["Rt"])
    pc = Rt[:, :3] @ contact + Rt[:, 3]
    uv = pc[:2] / max(float(pc[2]), 1e-6) * K[0, 0] + K[:2, 2]
    return 1.0 - k, contact, (round(float(uv[0]), 2), round(float(uv[1]), 2))


def _world33(j3: dict[str, np.ndarray]) -> np.ndarray:
    w = np.full((len(Landmark), 3), np.nan)
    for name, v in j3.items():
        if name.upper() in Landmark.__members__:
            w[Landmark[name.upper()]] = v
    return w


def _graded3(value: float, threshold: float, margin: float) -> str:
    if value > threshold + margin:
        return "fault"
    if value < threshold - margin:
        return "ok"
    return "unknown"


def head_hips_truth(j3: dict[str, np.ndarray], seen: Any, th: Thresholds, n: str,
                    ) -> tuple[dict[str, str], dict[str, float]]:
    """Expected ``head_supported`` and ``hip_height`` from the true 3D joints, and the
    readings (neck extension degrees, wrist-to-ears and hip rise in torso lengths).
    ``seen(name)``: the landmark is in the image and not hidden; ``n`` the near side."""
    w = _world33(j3)
    axes = body_axes(w)
    out = {"head_supported": "unknown", "hip_height": "unknown"}
    if axes is None:
        return out, {}
    neck = neck_extension_deg(w, axes)
    hands = hands_at_head_torso(w, axes)
    rise = hip_rise_torso(w, axes)
    vals = {"neck_extension_deg": round(neck, 2), "hands_at_head_torso": round(hands, 3),
            "hip_rise_torso": round(rise, 3)}
    head_seen = (seen("left_ear") or seen("right_ear")) and seen("nose")
    if hands < th.hands_at_head_max_torso - HANDS_MARGIN_TORSO:
        out["head_supported"] = "ok" if head_seen else "unknown"
    elif head_seen:
        head = _graded3(neck, th.neck_extension_max_deg, NECK_MARGIN_DEG)
        near_hands = hands < th.hands_at_head_max_torso + HANDS_MARGIN_TORSO
        out["head_supported"] = "unknown" if near_hands and head != "ok" else head
    if all(seen(f"{n}_{r}") for r in ("shoulder", "hip", "ankle")):
        out["hip_height"] = _graded3(rise, th.hip_rise_max_torso, HIP_RISE_MARGIN_TORSO)
    return out, vals


def truth_rows(raws: Iterable[dict[str, Any]], shot: dict[str, Any],
               roller_px: Iterable[int], thresholds: Thresholds | None = None,
               margins: Margins | None = None) -> Iterator[dict[str, Any]]:
    """Truth dicts for a shot's raw rows; ``roller_px``: roller pixels in each mask."""
    th = thresholds or Thresholds()
    mg = margins or MARGINS_3D
    speed_avg = SpeedAverager(1.0)
    prev: tuple[float, float] | None = None
    w, h = _size(shot)
    person = bool(shot.get("person_visible", True))
    for raw, rpx in zip(raws, roller_px, strict=True):
        j3 = {k: _v(v) for k, v in raw["joints_3d"].items()}
        n = near_side(raw)
        hip_mid = (j3["left_hip"] + j3["right_hip"]) / 2
        sh_mid = (j3["left_shoulder"] + j3["right_shoulder"]) / 2
        torso_cm = float(np.linalg.norm(sh_mid - hip_mid)) * 100.0
        knee3 = angle_deg(j3[f"{n}_hip"], j3[f"{n}_knee"], j3[f"{n}_ankle"])
        px = {k: _v(v) for k, v in raw["joints_px"].items()}
        knee2 = angle_deg(px[f"{n}_hip"], px[f"{n}_knee"], px[f"{n}_ankle"])
        pitch = foot_pitch_3d(j3[f"{n}_heel"], j3[f"{n}_foot_index"])
        foot_lift_m = float(min(j3[f"{n}_heel"][2], j3[f"{n}_foot_index"][2]))
        # the sole lies about 2 cm below the heel and toe landmarks when flat
        lift_cm = max(foot_lift_m * 100.0 - 2.0, 0.0)
        t_s = float(raw["t_ms"]) / 1000.0
        ro = raw["roller"]
        pos, contact3, contact_px = roller_contact(raw, hip_mid, sh_mid)
        speed = 0.0
        if prev is not None and t_s > prev[0]:
            speed = abs(pos - prev[1]) / (t_s - prev[0]) * torso_cm
        prev = (t_s, pos)
        avg = speed_avg.push(t_s, speed)
        visible = bool(ro["visible"]) and rpx >= ROLLER_MIN_PX
        along = shot["orientation"] == "along"
        ends = _v(ro["ends_px"])
        length_px = float(np.linalg.norm(ends[1] - ends[0]))
        roller = RollerTruth(
            visible=visible,
            center_px=tuple(ro["center_px"]),
            size_px=(length_px, float(ro["diameter_px"])),
            orientation="along" if along else "across",
            contact_px=contact_px if person else None,
            position=pos if person else None,
            speed_cm_s=speed,
            speed_avg_cm_s=avg,
        )
        hidden = raw["hidden"]
        # hidden near-side joints are evidence out of view: leave them out of the
        # record used for the expected statuses, so those checks are unknown
        seen_px = {k: (float(v[0]), float(v[1])) for k, v in raw["joints_px"].items()
                   if not (k.startswith(n) and hidden.get(k, False))}
        rec = TruthRecord(
            frame=int(raw["frame"]), t_ms=float(raw["t_ms"]), width=w, height=h,
            joints_px=seen_px, near_side=n, knee_angle_deg=knee3, foot_pitch_deg=pitch,
            feet_lifted=lift_cm > 1.0, roller=roller, facing=facing(raw),
            person_visible=person,
        )
        shin_cm = float(np.linalg.norm(j3[f"{n}_knee"] - j3[f"{n}_ankle"])) * 100.0
        expected = expected_statuses(rec, shin_cm=shin_cm or SHIN_CM_DEFAULT,
                                     feet_lift_cm=lift_cm, thresholds=th, margins=mg)
        in_view = {k for k in seen_px if rec.in_frame(k, 2.0)}.__contains__
        head_hips, head_hips_vals = head_hips_truth(j3, in_view, th, n)
        expected.update(head_hips if person else {})
        if shot.get("still"):
            # one instant carries no speed: a still cannot be judged on rolling speed
            expected["rolling_speed"] = "unknown"
            roller = replace(roller, speed_cm_s=0.0, speed_avg_cm_s=0.0)
        full = TruthRecord(
            frame=rec.frame, t_ms=rec.t_ms, width=w, height=h,
            joints_px={k: (float(v[0]), float(v[1])) for k, v in raw["joints_px"].items()},
            near_side=n, knee_angle_deg=knee3, foot_pitch_deg=pitch,
            feet_lifted=rec.feet_lifted, roller=roller, facing=rec.facing,
            person_visible=person, expected=expected,
        )
        out = full.to_dict()
        out.update({
            "knee_angle_px_deg": round(knee2, 3),
            "foot_lift_cm": round(lift_cm, 2),
            "torso_cm": round(torso_cm, 2),
            "joints_3d": raw["joints_3d"],
            "hidden": hidden,
            "camera": {"K": raw["K"], "Rt": raw["Rt"]},
            "camera_place": shot.get("camera_place"),
            "roller_3d": {k: ro[k] for k in ("center", "axis", "radius", "length")},
            "roller_ends_px": ro["ends_px"],
            "roller_pixels": int(rpx),
            "contact_3d": [round(float(v), 4) for v in contact3] if person else None,
            "zone": expected.get("roller_zone"),
            "torso_deg": raw["torso_deg"],
            "hip_height_m": raw["hip_height_m"],
            **head_hips_vals,
            "penetration_mm": raw["penetration_mm"],
            "mask": raw.get("mask_file"),
            "render_s": raw.get("render_s"),
        })
        yield out


def _size(shot: dict[str, Any]) -> tuple[int, int]:
    s = shot.get("size") or [640, 360]
    return int(s[0]), int(s[1])
