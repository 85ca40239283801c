"""Renders a job: ``python -m formcheck_render3d JOB.json``.

The job (written by ``formcheck scenes render3d``) lists shots; each shot has its body
shape, appearance, light, camera, roller and per-frame pose. For each frame this writes
``OUT/<shot>/frame_NNNNN.png``, ``mask_NNNNN.png`` (person red, roller green) and one
line of ``OUT/<shot>/raw.jsonl``: 3D joints (m, world), their pixels, whether each is
hidden, the camera's intrinsics and extrinsics, the roller's pose and the contact point.
Progress goes to stdout as ``PROGRESS <done> <total>`` lines.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from formcheck_render3d.body import Body, PoseParams, Poser, Shape, load_mesh, shape_offsets

F = np.ndarray


def project(K: F, Rt: F, X: F) -> tuple[F, F]:
    """Pixels (n, 2) and depth (n,) of world points (n, 3)."""
    pc = X @ Rt[:, :3].T + Rt[:, 3]
    z = pc[:, 2]
    uv = (pc[:, :2] / np.maximum(z[:, None], 1e-6)) * K[0, 0] + K[:2, 2]
    return uv, z


def _r(a: Any, n: int = 4) -> Any:
    return np.round(np.asarray(a, dtype=float), n).tolist()


def pose_params(fr: dict[str, Any], shot: dict[str, Any], body_shift_m: float = 0.0
                ) -> PoseParams:
    ro = shot["roller"]
    return PoseParams(
        body_shift_m=body_shift_m,
        knee_angle_deg=fr["knee_angle_deg"], foot_pitch_deg=fr["foot_pitch_deg"],
        foot_lift_cm=fr["foot_lift_cm"], roller_position=fr["roller_position"],
        hip_height_cm=fr["hip_height_cm"], head_pitch_deg=fr["head_pitch_deg"],
        orientation=shot["orientation"], arms=shot["arms"],
        roller_diameter_cm=ro["diameter_cm"], roller_length_cm=ro["length_cm"],
        feet_apart_cm=shot.get("feet_apart_cm", 22.0),
    )


def body_travel(poser: Poser, shot: dict[str, Any]) -> list[float]:
    """Each frame's body shift along the floor (m) for a shot whose body travels
    (``shot["body_travel"]``), else zeros. Rolling without slipping on the floor and
    under the back, the roller's centre moves half as far as the body: when the roller
    moves by d along the body, the body moves by -2 d. The shifts are centred on the
    shot's mean, so the body swings about the scenario's pose (its knee angle there)."""
    frames = shot["frames"]
    if not shot.get("body_travel") or len(frames) < 2:
        return [0.0] * len(frames)
    local = [float(poser.pose(pose_params(fr, shot)).roller_center[0]) for fr in frames]
    mean = sum(local) / len(local)
    return [-2.0 * (x - mean) for x in local]


def main(argv: list[str]) -> int:
    from formcheck_render3d.scene import Scene

    job = json.loads(Path(argv[0]).read_text())
    out = Path(job["out_dir"])
    size = (int(job["size"][0]), int(job["size"][1]))
    quality = job["quality"]
    mesh = load_mesh()
    targets = shape_offsets()
    total = sum(len(s["frames"]) for s in job["shots"])
    done = 0
    print(f"PROGRESS 0 {total}", flush=True)
    for shot in job["shots"]:
        d = out / shot["name"]
        d.mkdir(parents=True, exist_ok=True)
        sh = shot["shape"]
        body = Body(mesh, Shape(sh["gender"], sh["weight"], sh["height_m"]), targets)
        poser = Poser(body)
        scene = Scene(mesh, body, shot, size, quality)
        K, Rt = scene.camera_matrices()
        x0: float | None = None
        shifts = body_travel(poser, shot)
        with (d / "raw.jsonl").open("w") as fh:
            for fr, shift in zip(shot["frames"], shifts, strict=True):
                t0 = time.perf_counter()
                posed = poser.pose(pose_params(fr, shot, shift))
                cx = float(posed.roller_center[0])
                x0 = cx if x0 is None else x0
                roll = -(cx - x0) / posed.roller_radius if shot["orientation"] == "across" else 0.0
                scene.pose(posed, roll)
                k = int(fr["frame"])
                img = d / f"frame_{k:05d}.png"
                mask = d / f"mask_{k:05d}.png"
                scene.render(str(img))
                scene.render_mask(str(mask))
                names = list(posed.joints)
                P = np.stack([posed.joints[n] for n in names])
                uv, z = project(K, Rt, P)
                hidden = scene.hidden(dict(zip(names, P, strict=True)), posed)
                a, c = posed.roller_axis, posed.roller_center
                half = posed.roller_length / 2
                ends = np.stack([c - a * half, c + a * half, c, posed.contact])
                euv, ez = project(K, Rt, ends)
                row = {
                    "frame": k,
                    "t_ms": fr["t_ms"],
                    "K": _r(K, 3),
                    "Rt": _r(Rt, 6),
                    "joints_3d": {n: _r(p) for n, p in zip(names, P, strict=True)},
                    "joints_px": {n: _r(p, 2) for n, p in zip(names, uv, strict=True)},
                    "depth_m": {n: round(float(v), 4) for n, v in zip(names, z, strict=True)},
                    "hidden": hidden,
                    "roller": {
                        "center": _r(c), "axis": _r(a), "radius": round(posed.roller_radius, 4),
                        "length": round(posed.roller_length, 4),
                        "visible": bool(shot["roller"].get("visible", True)),
                        "ends_px": _r(euv[:2], 2), "center_px": _r(euv[2], 2),
                        "diameter_px": round(float(2 * posed.roller_radius * K[0, 0] / ez[2]), 2),
                    },
                    "contact_3d": _r(posed.contact),
                    "contact_px": _r(euv[3], 2),
                    "position": round(posed.position, 4),
                    "torso_deg": round(posed.torso_deg, 2),
                    "hip_height_m": round(posed.hip_height, 4),
                    "body_shift_m": round(shift, 4),
                    "penetration_mm": posed.penetration_mm,
                    "image": img.name,
                    "mask": mask.name,
                    "render_s": round(time.perf_counter() - t0, 3),
                }
                fh.write(json.dumps(row) + "\n")
                fh.flush()
                done += 1
                print(f"PROGRESS {done} {total}", flush=True)
    return 0


if __name__ == "__main__":
    # Blender prints its own render log on stdout; keep ours apart by line prefix.
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main(sys.argv[1:]))
