"""The MakeHuman body: loading, shaping, and posing it on a foam roller.

Pure numpy (no bpy), so the pose solver can be tested without Blender.

Coordinate spaces:
- *rest*: the MakeHuman base mesh standing, metres, x = the body's left, y up, z forward.
- *world*: metres, the floor is z = 0, x runs along the floor from the head towards the
  feet, y is the lying body's left, z up. The mid-hip joint lies at x = 0 (or at the
  body's travel, ``PoseParams.body_shift_m``), y = 0.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ASSETS = Path(__file__).resolve().parent.parent / "assets" / "makehuman"
F = np.ndarray

# Bones the poser sets; every other bone turns with its parent.
TORSO = ("root", "spine05", "spine04", "spine03", "spine02", "spine01", "pelvis.L", "pelvis.R",
         "clavicle.L", "clavicle.R", "shoulder01.L", "shoulder01.R", "breast.L", "breast.R")
NECK = ("neck01", "neck02", "neck03")


def _unit(v: F) -> F:
    n = float(np.linalg.norm(v))
    return v / n if n > 1e-12 else v


def _frame(d: F, ref: F) -> F:
    """An orthonormal frame (columns) whose first axis is ``d`` and second lies towards ``ref``."""
    e1 = _unit(d)
    e2 = _unit(ref - np.dot(ref, e1) * e1)
    e3 = np.cross(e1, e2)
    return np.stack([e1, e2, e3], axis=1)


def _rot(d_rest: F, ref_rest: F, d_world: F, ref_world: F) -> F:
    """The rotation taking the rest frame (d, ref) onto the world frame (d, ref)."""
    return _frame(d_world, ref_world) @ _frame(d_rest, ref_rest).T


def _axis_angle(axis: F, angle_rad: float) -> F:
    a = _unit(axis)
    k = np.array([[0, -a[2], a[1]], [a[2], 0, -a[0]], [-a[1], a[0], 0]])
    return np.eye(3) + math.sin(angle_rad) * k + (1 - math.cos(angle_rad)) * (k @ k)


@dataclass
class Mesh:
    """The base mesh: rest vertices (m), faces (vertex indices), skin weights and bones."""

    verts: F  # (n, 3) rest, m
    faces: list[list[int]]
    weights: F  # (n, nb) rows sum to 1
    bones: list[str]
    parent: list[int]  # index of each bone's parent, -1 for the root
    head: F  # (nb, 3) rest bone heads, m
    tail: F  # (nb, 3)
    joints: dict[str, list[int]]  # joint name -> vertex indices (its position is their mean)
    used: F = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # OBJ index of each vertex

    def bone(self, name: str) -> int:
        return self.bones.index(name)


def load_mesh(assets: Path = ASSETS) -> Mesh:
    """Reads base.obj (body faces only), the skeleton and the skin weights."""
    verts: list[list[float]] = []
    faces: list[list[int]] = []
    group = ""
    for line in (assets / "base.obj").read_text().splitlines():
        if line.startswith("v "):
            verts.append([float(x) for x in line.split()[1:4]])
        elif line.startswith("g "):
            group = line.split()[1]
        elif line.startswith("f ") and group == "body":
            faces.append([int(t.split("/")[0]) - 1 for t in line.split()[1:]])
    v_all = np.asarray(verts) * 0.1  # decimetres -> metres
    skel = json.loads((assets / "default.mhskel").read_text())
    wfile = json.loads((assets / "default_weights.mhw").read_text())
    joints = {k: list(v) for k, v in skel["joints"].items()}

    # Keep only the vertices the body's faces use; the joints' helper vertices stay for
    # the skeleton but are read from v_all.
    used = sorted({i for f in faces for i in f})
    remap = -np.ones(len(v_all), dtype=np.int64)
    remap[used] = np.arange(len(used))
    faces_r = [[int(remap[i]) for i in f] for f in faces]

    order: list[str] = []
    bones = skel["bones"]

    def visit(name: str) -> None:
        if name in order:
            return
        p = bones[name]["parent"]
        if p is not None:
            visit(p)
        order.append(name)

    for name in sorted(bones):
        visit(name)
    idx = {b: i for i, b in enumerate(order)}
    parent = [idx[bones[b]["parent"]] if bones[b]["parent"] else -1 for b in order]
    head = np.stack([v_all[joints[bones[b]["head"]]].mean(0) for b in order])
    tail = np.stack([v_all[joints[bones[b]["tail"]]].mean(0) for b in order])

    w = np.zeros((len(used), len(order)))
    for b, rows in wfile["weights"].items():
        if b not in idx:
            continue
        for vi, wt in rows:
            if remap[vi] >= 0:
                w[remap[vi], idx[b]] += wt
    s = w.sum(1, keepdims=True)
    w = np.where(s > 0, w / np.maximum(s, 1e-12), 0.0)
    w[s[:, 0] == 0, idx["root"]] = 1.0
    joint_local = {k: [int(remap[i]) for i in v if remap[i] >= 0] for k, v in joints.items()}
    return Mesh(v_all[used], faces_r, w, order, parent, head, tail, joint_local,
                np.asarray(used, dtype=np.int64))


def shape_offsets(mesh_path: Path = ASSETS) -> dict[str, F]:
    """The body-shape targets as dense offsets (n_used, 3), metres, by file stem."""
    verts_total = sum(1 for line in (mesh_path / "base.obj").open() if line.startswith("v "))
    out: dict[str, F] = {}
    for f in sorted((mesh_path / "targets").glob("*.target")):
        off = np.zeros((verts_total, 3))
        for line in f.read_text().splitlines():
            if not line or line.startswith("#"):
                continue
            parts = line.split()
            off[int(parts[0])] = [float(x) * 0.1 for x in parts[1:4]]
        out[f.stem] = off
    return out


@dataclass(frozen=True)
class Shape:
    """Body shape: gender 0 female .. 1 male; weight 0 slim .. 1 heavy; height in m."""

    gender: float = 0.5
    weight: float = 0.5
    height_m: float = 1.75


@dataclass(frozen=True)
class PoseParams:
    """One instant of the scene's pose (the 2D scenes' parameters, same meaning).

    Lengths in cm, angles in degrees, ``roller_position`` 0 shoulder .. 1 hip.
    """

    knee_angle_deg: float = 90.0
    foot_pitch_deg: float = 0.0
    foot_lift_cm: float = 0.0
    roller_position: float = 0.3
    hip_height_cm: float = 16.0
    head_pitch_deg: float = 10.0
    orientation: str = "across"  # across | along
    arms: str = "crossed"  # crossed | behind_head
    roller_diameter_cm: float = 15.0
    roller_length_cm: float = 45.0
    feet_apart_cm: float = 22.0
    # The body's travel along the floor (m, + towards the feet) with the feet planted where
    # they stand at 0: the knees bend or open to reach them. A roller rolls on the floor
    # and under the back without slipping, so the body travels twice as far as the roller
    # moves along the back (see __main__'s body_travel).
    body_shift_m: float = 0.0


class Body:
    """A shaped MakeHuman body that poses itself lying on a roller."""

    def __init__(self, mesh: Mesh, shape: Shape, targets: dict[str, F] | None = None) -> None:
        self.mesh = mesh
        rest = mesh.verts.copy()
        full_offsets = targets if targets is not None else shape_offsets()
        used_idx = mesh.used
        sexes = {"female": 1.0 - shape.gender, "male": shape.gender}
        if shape.weight < 0.5:
            wcls = {"minweight": 1 - 2 * shape.weight, "averageweight": 2 * shape.weight}
        else:
            wcls = {"averageweight": 2 - 2 * shape.weight, "maxweight": 2 * shape.weight - 1}
        for sx, ws in sexes.items():
            for wc, ww in wcls.items():
                key = f"universal-{sx}-young-averagemuscle-{wc}"
                if key in full_offsets and ws * ww > 0:
                    rest += ws * ww * full_offsets[key][used_idx]
        # joints from the shaped mesh: bone heads follow their joint vertex groups
        self._scale_to(rest, shape.height_m)

    def _scale_to(self, rest: F, height_m: float) -> None:
        m = self.mesh
        h0 = rest[:, 1].max() - rest[:, 1].min()
        s = height_m / h0
        base = rest[:, 1].min()
        rest = rest.copy()
        rest[:, 1] -= base
        rest *= s
        self.rest = rest
        # bone heads and tails: keep them where they sit relative to the base mesh's
        # surface by moving them with the nearest-joint displacement: the mesh's own joint
        # vertex groups are helper vertices not kept, so scale the base skeleton and
        # shift it by the mean shape offset of the weighted vertices.
        shift = np.zeros_like(m.head)
        base_used = (m.verts - np.array([0.0, m.verts[:, 1].min(), 0.0])) * s
        disp = rest - base_used
        for b in range(len(m.bones)):
            wcol = m.weights[:, b]
            if wcol.sum() > 1e-6:
                shift[b] = (disp * wcol[:, None]).sum(0) / wcol.sum()
        offs = np.array([0.0, m.verts[:, 1].min(), 0.0])
        self.head = (m.head - offs) * s + shift
        self.tail = (m.tail - offs) * s + shift
        self.scale = s
        self._landmark_vertices()

    # ---- landmark vertices picked once on the rest mesh --------------------------------
    def _landmark_vertices(self) -> None:
        m, r = self.mesh, self.rest
        b = m.bone
        dom = m.weights.argmax(1)

        def region(*names: str) -> F:
            ids = [b(n) for n in names if n in m.bones]
            return np.where(np.isin(dom, ids))[0]

        head_v = region("head", "jaw", "special04", "special06.L", "special06.R", "oris05",
                        "special01", "special03", "temporalis01.L", "temporalis01.R")
        head_v = head_v if len(head_v) else region("head")
        eye_l = self.head[b("eye.L")]
        eye_r = self.head[b("eye.R")]
        self.eye_y = float((eye_l[1] + eye_r[1]) / 2)
        hv = np.where((r[:, 1] > self.eye_y - 0.15) & (np.abs(r[:, 0]) < 0.12))[0]
        # the nose tip: the most forward point near the midline, a little below the eyes
        score = r[hv, 2] - 3.0 * np.abs(r[hv, 0]) - 2.0 * np.abs(r[hv, 1] - (self.eye_y - 0.035))
        nose = hv[np.argmax(score)]
        self.v_nose = int(nose)
        band = hv[(np.abs(r[hv, 1] - (self.eye_y - 0.02)) < 0.03)]
        self.v_ear = {"left": int(band[np.argmax(r[band, 0])]),
                      "right": int(band[np.argmin(r[band, 0])])}
        mouth_y = r[nose, 1] - 0.045
        mb = hv[np.abs(r[hv, 1] - mouth_y) < 0.012]
        out: dict[str, int] = {}
        for side, sign in (("left", 1.0), ("right", -1.0)):
            cand = mb[(sign * r[mb, 0] > 0.018) & (sign * r[mb, 0] < 0.04)]
            out[side] = int(cand[np.argmax(r[cand, 2])]) if len(cand) else int(nose)
        self.v_mouth = out
        self.v_heel: dict[str, int] = {}
        self.v_toe: dict[str, int] = {}
        for side, sfx in (("left", "L"), ("right", "R")):
            toes = [f"toe{i}-{j}.{sfx}" for i in range(1, 6) for j in range(1, 4)]
            fv = region(f"foot.{sfx}", *toes)
            low = fv[r[fv, 1] < r[fv, 1].min() + 0.02]
            self.v_heel[side] = int(low[np.argmin(r[low, 2])])
            tv = region(*[f"toe2-{j}.{sfx}" for j in range(1, 4)])
            self.v_toe[side] = int(tv[np.argmax(r[tv, 2])])
        self.sole_y = float(r[:, 1].min())
        self.torso_verts = region("spine05", "spine04", "spine03", "spine02", "spine01",
                                  "clavicle.L", "clavicle.R", "breast.L", "breast.R",
                                  "shoulder01.L", "shoulder01.R", "neck01", "pelvis.L", "pelvis.R")
        self.seat_verts = region("pelvis.L", "pelvis.R", "spine05", "upperleg01.L",
                                 "upperleg01.R", "root")
        self.back_verts = region("spine05", "spine04", "spine03", "spine02", "spine01",
                                 "clavicle.L", "clavicle.R", "shoulder01.L", "shoulder01.R",
                                 "neck01", "neck02", "neck03", "head", "pelvis.L", "pelvis.R")

    # ---- rest landmarks -----------------------------------------------------------------
    def rest_joint(self, bone: str, end: str = "head") -> F:
        i = self.mesh.bone(bone)
        return (self.head if end == "head" else self.tail)[i]


@dataclass
class Posed:
    """A posed body and its roller, world coordinates (m)."""

    verts: F  # (n, 3)
    joints: dict[str, F]  # MediaPipe landmark names -> (3,) m
    roller_center: F
    roller_axis: F  # unit
    roller_radius: float
    roller_length: float
    contact: F  # the point on the back nearest the roller (m)
    position: float  # roller centre along mid-shoulder (0) .. mid-hip (1), 3D
    torso_deg: float  # the torso's rise from the floor, degrees
    hip_height: float  # mid-hip joint above the floor, m
    penetration_mm: dict[str, float]  # worst interpenetration: roller, floor


HINGE_Y = np.array([0.0, 1.0, 0.0])


def _two_bone(root: F, target: F, a: float, b: float, pole: F) -> tuple[F, F]:
    """Elbow/knee and end positions for a two-bone chain reaching for ``target``."""
    d = target - root
    dist = float(np.linalg.norm(d))
    dist = min(max(dist, abs(a - b) + 1e-4), a + b - 1e-4)
    w = _unit(d)
    end = root + w * dist
    cos_g = (a * a + dist * dist - b * b) / (2 * a * dist)
    g = math.acos(max(-1.0, min(1.0, cos_g)))
    perp = _unit(pole - np.dot(pole, w) * w)
    mid = root + a * (math.cos(g) * w + math.sin(g) * perp)
    return mid, end


class Poser:
    """Poses a :class:`Body` lying face up on a roller, physically consistent."""

    def __init__(self, body: Body) -> None:
        self.b = body
        m = body.mesh
        self.ib = {n: i for i, n in enumerate(m.bones)}
        j = body.rest_joint
        self.hip_rest = {s: j(f"upperleg01.{x}") for s, x in (("left", "L"), ("right", "R"))}
        self.sh_rest = {s: j(f"upperarm01.{x}") for s, x in (("left", "L"), ("right", "R"))}
        self.H_r = (self.hip_rest["left"] + self.hip_rest["right"]) / 2
        self.S_r = (self.sh_rest["left"] + self.sh_rest["right"]) / 2
        self.torso_len = float(np.linalg.norm(self.S_r - self.H_r))
        self.d_torso = _unit(self.S_r - self.H_r)
        self.left_r = np.array([1.0, 0.0, 0.0])
        self.fwd_r = np.array([0.0, 0.0, 1.0])
        r = body.rest
        # back depth behind the hip->shoulder line, along it (m)
        back_n = _unit(-self.fwd_r - np.dot(-self.fwd_r, self.d_torso) * self.d_torso)
        tv = body.torso_verts
        tv = tv[np.abs(r[tv, 0]) < 0.08]
        rel = r[tv] - self.H_r
        self._prof_s = rel @ self.d_torso
        self._prof_d = rel @ back_n
        self.thigh = float(np.linalg.norm(j("lowerleg01.L") - j("upperleg01.L")))
        self.shin = float(np.linalg.norm(j("foot.L") - j("lowerleg01.L")))
        self.upper_arm = float(np.linalg.norm(j("lowerarm01.L") - j("upperarm01.L")))
        self.forearm = float(np.linalg.norm(j("wrist.L") - j("lowerarm01.L")))

    def depth_at(self, s: float) -> float:
        """How far the back lies behind the hip->shoulder line at ``s`` m from the hips."""
        near = np.abs(self._prof_s - s) < 0.025
        return float(self._prof_d[near].max()) if near.any() else 0.1

    # ---- the torso's angle --------------------------------------------------------------
    @staticmethod
    def _solve_theta(a: float, b: float, rhs: float) -> float:
        k = math.hypot(a, b)
        phi = math.atan2(b, a)
        x = max(-1.0, min(1.0, rhs / k))
        return phi + math.asin(x)

    def pose(self, p: PoseParams) -> Posed:
        """The body posed as ``p`` asks, the roller under it where the back touches it."""
        s_c = (1.0 - p.roller_position) * self.torso_len
        q = self._pose_at(p, s_c)
        if p.orientation == "across":
            # the back is not a straight line: move the roller until the measured contact
            # lies where it was asked
            for _ in range(3):
                err = q.position - p.roller_position
                if abs(err) < 0.005:
                    break
                s_c += err * self.torso_len
                q = self._pose_at(p, s_c)
        return q

    def _pose_at(self, p: PoseParams, s_c: float) -> Posed:
        R = p.roller_diameter_cm / 200.0
        length = p.roller_length_cm / 100.0
        along = p.orientation == "along"
        # The 2D scenes' hip height is the joint over the floor of a cartoon whose seat
        # rests at about 10 cm; here the seat rests on the floor and the hips rise by half
        # of what exceeds 14 cm (the good scenarios' 14-22 cm lift them 0-4 cm).
        lift = max(p.hip_height_cm - 14.0, 0.0) / 200.0
        h = 0.12 + lift
        x0 = p.body_shift_m
        d_adj = 0.0
        posed = None
        s_end = s_c - length / 2
        # a long roller along the spine reaches under the hips: the back lies along its top
        on_top = along and s_end < 0.08
        if on_top:
            h = 2 * R + self.depth_at(max(s_end, 0.0))
        for _ in range(12):
            if on_top:
                d = self.depth_at(max(s_end, 0.0))
                theta = math.radians(2.0)
            elif along:
                d = self.depth_at(s_end) + d_adj
                theta = self._solve_theta(s_end, d, 2 * R - h)
            else:
                d = self.depth_at(s_c) + d_adj
                theta = self._solve_theta(s_c, d + R, R - h)
            theta = max(theta, math.radians(-5.0))
            u = np.array([-math.cos(theta), 0.0, math.sin(theta)])
            n = np.array([-math.sin(theta), 0.0, -math.cos(theta)])
            H = np.array([x0, 0.0, h])
            if along:
                c = H + s_c * u + d * n
                center = np.array([c[0], 0.0, R])
                axis = np.array([1.0, 0.0, 0.0])
            else:
                center = H + s_c * u + (d + R) * n
                center[2] = R
                axis = np.array([0.0, 1.0, 0.0])
            posed = self._pose_body(p, theta, h)
            gap = self._roller_gap(posed[0], center, axis, R, length)
            seat = float(posed[0][self.b.seat_verts, 2].min())
            if on_top:
                if abs(gap) < 5e-4 and seat > -5e-4:
                    break
                h -= gap if seat > -5e-4 else min(gap, seat)
                continue
            if abs(gap) < 5e-4 and abs(seat - lift) < 5e-4:
                break
            d_adj -= gap
            h -= seat - lift
        assert posed is not None
        verts, joints = posed
        gap = self._roller_gap(verts, center, axis, R, length)
        ci = self._contact_vertex(verts, center, axis, R, length)
        contact = verts[ci]
        hip_mid = (joints["left_hip"] + joints["right_hip"]) / 2
        sh_mid = (joints["left_shoulder"] + joints["right_shoulder"]) / 2
        seg = sh_mid - hip_mid
        # the place along the back: the roller centre projected on the hip-shoulder line
        # (smooth as it rolls; the nearest vertex jumps from vertex to vertex)
        pos = 1.0 - float(np.dot(center - hip_mid, seg) / np.dot(seg, seg))
        floor = float(min(verts[:, 2].min(), 0.0))
        return Posed(
            verts=verts, joints=joints, roller_center=center, roller_axis=axis,
            roller_radius=R, roller_length=length, contact=contact, position=pos,
            torso_deg=math.degrees(theta), hip_height=float(hip_mid[2]),
            penetration_mm={"roller": round(max(-gap, 0.0) * 1000, 2),
                            "floor": round(-floor * 1000, 2)},
        )

    def _roller_dist(self, v: F, center: F, axis: F, length: float) -> F:
        rel = v - center
        t = np.clip(rel @ axis, -length / 2, length / 2)
        return np.linalg.norm(rel - t[:, None] * axis[None, :], axis=1)

    def _roller_gap(self, verts: F, center: F, axis: F, R: float, length: float) -> float:
        bv = verts[self.b.back_verts]
        return float(self._roller_dist(bv, center, axis, length).min() - R)

    def _contact_vertex(self, verts: F, center: F, axis: F, R: float, length: float) -> int:
        bv = self.b.back_verts
        dist = self._roller_dist(verts[bv], center, axis, length)
        return int(bv[int(np.argmin(dist))])

    # ---- the whole body ----------------------------------------------------------------
    def _pose_body(self, p: PoseParams, theta: float, h: float) -> tuple[F, dict[str, F]]:
        b, m, ib = self.b, self.b.mesh, self.ib
        nb = len(m.bones)
        rot: list[F | None] = [None] * nb
        up = np.array([-math.cos(theta), 0.0, math.sin(theta)])
        left = HINGE_Y
        R_t = _rot(self.d_torso, self.left_r, up, left)
        fwd = R_t @ self.fwd_r
        H = np.array([p.body_shift_m, 0.0, h])

        def place(pt_rest: F) -> F:
            return H + R_t @ (pt_rest - self.H_r)

        for name in TORSO:
            rot[ib[name]] = R_t
        pitch = math.radians(p.head_pitch_deg)
        R_neck = _axis_angle(left, pitch * 0.5) @ R_t
        R_head = _axis_angle(left, pitch) @ R_t
        for name in NECK:
            rot[ib[name]] = R_neck
        rot[ib["head"]] = R_head

        # legs
        joints_extra: dict[str, F] = {}
        for side, x in (("left", "L"), ("right", "R")):
            hip = place(self.hip_rest[side])
            _R_flat, R_foot, R_toes, ankle = self._foot(p, side, x)
            lateral = 1.0 if side == "left" else -1.0
            a_y = lateral * p.feet_apart_cm / 200.0
            z_a = ankle
            alpha = math.radians(max(min(p.knee_angle_deg, 179.0), 20.0))
            th, sh_ = self.thigh, self.shin
            D = math.sqrt(th**2 + sh_**2 - 2 * th * sh_ * math.cos(alpha))
            dy = a_y - hip[1]
            dz = z_a - hip[2]
            dx = math.sqrt(max(D * D - dy * dy - dz * dz, 1e-6))
            # the feet stay where they stand without the body's travel
            ank = np.array([hip[0] - p.body_shift_m + dx, a_y, z_a])
            knee, ank = _two_bone(hip, ank, self.thigh, self.shin, np.array([0.0, 0.0, 1.0]))
            ref = _unit(np.cross(ank - knee, knee - hip))
            if ref[1] < 0:
                ref = -ref
            if np.linalg.norm(ref) < 0.5:
                ref = left
            self._limb(rot, x, ("upperleg01", "lowerleg01", "foot"), (hip, knee, ank),
                       self.left_r, (ref, ref))
            rot[ib[f"foot.{x}"]] = R_foot
            for i in range(1, 6):
                for k in range(1, 4):
                    nm = f"toe{i}-{k}.{x}"
                    if nm in ib:
                        rot[ib[nm]] = R_toes
            joints_extra[f"{side}_ankle_target"] = ank

        # arms
        head_c = None
        for side, x in (("left", "L"), ("right", "R")):
            lateral = left if side == "left" else -left
            sh = place(self.sh_rest[side])
            if p.arms == "behind_head":
                hb = b.rest_joint("head")
                ht = b.rest_joint("head", "tail")
                neck_top = place(b.rest_joint("neck03", "head"))
                hc_rest = (hb + ht) / 2
                head_c = neck_top + R_head @ (hc_rest - b.rest_joint("neck03", "head"))
                back_h = -(R_head @ self.fwd_r)
                target = head_c + back_h * 0.07 + lateral * 0.06 - (R_head @ _unit(ht - hb)) * 0.02
                pole = lateral * 1.0 + up * 0.6 + fwd * 0.2
            else:
                # the forearms cross on the chest, each hand over the other shoulder
                chest = place((self.sh_rest["left"] + self.sh_rest["right"]) / 2)
                target = chest - lateral * 0.05 + fwd * 0.11 - up * 0.08
                pole = lateral * 1.3 - up * 0.5 + fwd * 0.2
            elbow, wrist = _two_bone(sh, target, self.upper_arm, self.forearm, pole)
            d_up = wrist - elbow
            du = _unit(elbow - sh)
            f_t = d_up - np.dot(d_up, du) * du
            f_t = _unit(f_t) if np.linalg.norm(f_t) > 1e-4 else fwd
            fd = _unit(wrist - elbow)
            f2 = -du - np.dot(-du, fd) * fd
            f2 = _unit(f2) if np.linalg.norm(f2) > 1e-4 else f_t
            self._limb(rot, x, ("upperarm01", "lowerarm01", "wrist"), (sh, elbow, wrist),
                       self.fwd_r, (f_t, f2))

        # everything else turns with its parent; heads by forward kinematics
        heads = np.zeros((nb, 3))
        rots = np.zeros((nb, 3, 3))
        for i in range(nb):
            pi = m.parent[i]
            if pi < 0:
                rots[i] = rot[i] if rot[i] is not None else R_t
                heads[i] = place(b.head[i])
            else:
                rots[i] = rot[i] if rot[i] is not None else rots[pi]
                heads[i] = heads[pi] + rots[pi] @ (b.head[i] - b.head[pi])
        T = np.zeros((nb, 12))
        T[:, :9] = rots.reshape(nb, 9)
        T[:, 9:] = heads - np.einsum("bij,bj->bi", rots, b.head)
        M = m.weights @ T
        v = b.rest
        verts = np.einsum("nij,nj->ni", M[:, :9].reshape(-1, 3, 3), v) + M[:, 9:]
        J: dict[str, F] = {}
        for side, x in (("left", "L"), ("right", "R")):
            J[f"{side}_shoulder"] = heads[ib[f"upperarm01.{x}"]]
            J[f"{side}_elbow"] = heads[ib[f"lowerarm01.{x}"]]
            J[f"{side}_wrist"] = heads[ib[f"wrist.{x}"]]
            J[f"{side}_hip"] = heads[ib[f"upperleg01.{x}"]]
            J[f"{side}_knee"] = heads[ib[f"lowerleg01.{x}"]]
            J[f"{side}_ankle"] = heads[ib[f"foot.{x}"]]
            J[f"{side}_heel"] = verts[b.v_heel[side]]
            J[f"{side}_foot_index"] = verts[b.v_toe[side]]
            J[f"{side}_eye"] = heads[ib[f"eye.{x}"]]
            J[f"{side}_ear"] = verts[b.v_ear[side]]
            J[f"mouth_{side}"] = verts[b.v_mouth[side]]
        J["nose"] = verts[b.v_nose]
        return verts, J

    def _limb(self, rot: list[F | None], x: str, joints: tuple[str, str, str],
              world: tuple[F, F, F], ref_rest: F, refs: tuple[F, F]) -> None:
        """Turn a two-bone limb (its twist bones 01 and 02 alike) so its joints, named by
        their bones (``upperleg01``, ``lowerleg01``, ``foot``), land on ``world``."""
        b, ib = self.b, self.ib
        for k in range(2):
            d = b.rest_joint(f"{joints[k + 1]}.{x}") - b.rest_joint(f"{joints[k]}.{x}")
            R = _rot(d, ref_rest, world[k + 1] - world[k], refs[k])
            stem = joints[k].removesuffix("01")
            for nm in (f"{stem}01", f"{stem}02"):
                rot[ib[f"{nm}.{x}"]] = R

    def _foot(self, p: PoseParams, side: str, x: str) -> tuple[F, F, F, float]:
        """The foot's and toes' rotations and the ankle's height above the floor (m)."""
        b = self.b
        # flat: rest up -> world +z, rest forward -> world +x, rest left -> world +y
        R_flat = np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
        ankle = b.rest_joint(f"foot.{x}")
        heel = b.rest[b.v_heel[side]]
        ball = b.rest_joint(f"toe2-1.{x}").copy()
        ball[1] = b.sole_y

        def world(pt: F) -> F:
            return R_flat @ pt

        phi = math.radians(p.foot_pitch_deg)
        lift = p.foot_lift_cm / 100.0
        pitch = _axis_angle(np.array([0.0, -1.0, 0.0]), phi)
        sole_z = world(np.array([0.0, b.sole_y, 0.0]))[2]
        if lift > 1e-4:
            R_foot = pitch @ R_flat
            fv = b.rest[[b.v_heel[side], b.v_toe[side]]]
            lowest = min(float((R_foot @ (q - ankle))[2]) for q in fv)
            return R_flat, R_foot, R_foot, lift - lowest
        if phi >= 0:
            R_foot = pitch @ R_flat
            piv = world(heel)
            a = piv + pitch @ (world(ankle) - piv)
            return R_flat, R_foot, R_foot, float(a[2] - sole_z)
        R_foot = pitch @ R_flat
        piv = world(ball)
        a = piv + pitch @ (world(ankle) - piv)
        return R_flat, R_foot, R_flat, float(a[2] - sole_z)
