"""The Blender scene: room, roller, body, lights, camera; renders frames and masks.

World space as in :mod:`body` (metres, floor z = 0, x head -> feet, y the body's left).
"""

from __future__ import annotations

import math
from typing import Any

import bpy
import numpy as np
from formcheck_render3d.body import Body, Mesh, Posed
from formcheck_render3d.textures import floor_texture, roller_texture, wall_texture
from mathutils import Matrix, Vector
from mathutils.bvhtree import BVHTree

F = np.ndarray
ROLLER_SEGMENTS = 48


def reset() -> None:
    bpy.ops.wm.read_factory_settings(use_empty=True)


def _image(name: str, pixels: F) -> bpy.types.Image:
    h, w, _ = pixels.shape
    img = bpy.data.images.new(name, width=w, height=h, alpha=False, float_buffer=False)
    rgba = np.ones((h, w, 4), dtype=np.float32)
    rgba[..., :3] = pixels[::-1]  # Blender's rows run bottom-up
    img.pixels.foreach_set(rgba.ravel())
    img.pack()
    return img


def _material(name: str, color: tuple[float, float, float], rough: float = 0.6,
              image: F | None = None, scale: tuple[float, float] = (1.0, 1.0),
              sheen: float = 0.0) -> bpy.types.Material:
    mat = bpy.data.materials.new(name)
    mat.use_nodes = True
    nt = mat.node_tree
    bsdf = nt.nodes["Principled BSDF"]
    bsdf.inputs["Base Color"].default_value = (*color, 1.0)
    bsdf.inputs["Roughness"].default_value = rough
    if sheen > 0 and "Sheen Weight" in bsdf.inputs:
        bsdf.inputs["Sheen Weight"].default_value = sheen
    if image is not None:
        tex = nt.nodes.new("ShaderNodeTexImage")
        tex.image = _image(name + "_tex", image)
        mapping = nt.nodes.new("ShaderNodeMapping")
        mapping.inputs["Scale"].default_value = (scale[0], scale[1], 1.0)
        coord = nt.nodes.new("ShaderNodeTexCoord")
        nt.links.new(coord.outputs["UV"], mapping.inputs["Vector"])
        nt.links.new(mapping.outputs["Vector"], tex.inputs["Vector"])
        nt.links.new(tex.outputs["Color"], bsdf.inputs["Base Color"])
    mat.diffuse_color = (*color, 1.0)  # Workbench's material colour
    return mat


def _plane(name: str, size: tuple[float, float], loc: tuple[float, float, float],
           rot: tuple[float, float, float], mat: bpy.types.Material) -> bpy.types.Object:
    bpy.ops.mesh.primitive_plane_add(size=1.0, location=loc, rotation=rot)
    ob = bpy.context.active_object
    ob.name = name
    ob.scale = (size[0], size[1], 1.0)
    ob.data.materials.append(mat)
    return ob


class Scene:
    """One shot's scene: build once, then pose and render frame by frame."""

    def __init__(self, mesh: Mesh, body: Body, shot: dict[str, Any], size: tuple[int, int],
                 quality: str) -> None:
        reset()
        self.mesh, self.body, self.shot = mesh, body, shot
        self.size = size
        self.quality = quality
        sc = bpy.context.scene
        self.sc = sc
        sc.render.resolution_x, sc.render.resolution_y = size
        sc.render.resolution_percentage = 100
        sc.render.image_settings.file_format = "PNG"
        sc.render.image_settings.color_mode = "RGB"
        ap = shot["appearance"]
        seed = int(shot["seed"])
        world = bpy.data.worlds.new("world")
        sc.world = world
        world.use_nodes = True
        bg = world.node_tree.nodes["Background"]
        bg.inputs["Color"].default_value = (*ap["ambient"], 1.0)
        bg.inputs["Strength"].default_value = float(ap["ambient_strength"])
        self._room(ap, seed)
        self._lights(shot["light"])
        self._clutter(shot.get("clutter", []), seed)
        self.roller = self._roller(shot["roller"], seed)
        self.person = self._person(ap) if shot.get("person_visible", True) else None
        self.cam = self._camera(shot["camera"])
        self._setup_engine()

    # ---- building ----------------------------------------------------------------------
    def _room(self, ap: dict[str, Any], seed: int) -> None:
        fl = floor_texture(ap["floor"], tuple(ap["floor_color"]), seed)
        mat = _material("floor", tuple(ap["floor_color"]), rough=0.55, image=fl,
                        scale=(4.0, 4.0))
        self.floor = _plane("floor", (8.0, 8.0), (0.3, 0.0, 0.0), (0, 0, 0), mat)
        wall = _material("wall", tuple(ap["wall_color"]), rough=0.9,
                         image=wall_texture(tuple(ap["wall_color"]), seed))
        # walls behind the body on both sides, far enough for any camera place
        self.walls = [
            _plane("wall_l", (8.0, 3.0), (0.3, 3.2, 1.5), (math.pi / 2, 0, 0), wall),
            _plane("wall_r", (8.0, 3.0), (0.3, -3.2, 1.5), (math.pi / 2, 0, 0), wall),
            _plane("wall_h", (6.4, 3.0), (-3.0, 0.0, 1.5), (math.pi / 2, 0, math.pi / 2), wall),
            _plane("wall_f", (6.4, 3.0), (3.6, 0.0, 1.5), (math.pi / 2, 0, math.pi / 2), wall),
        ]
        if ap.get("mat"):
            mc = tuple(ap["mat_color"])
            mm = _material("mat", mc, rough=0.8)
            bpy.ops.mesh.primitive_cube_add(size=1.0, location=(0.05, 0.0, 0.003))
            ob = bpy.context.active_object
            ob.name = "mat"
            ob.scale = (1.85, 0.62, 0.006)
            ob.data.materials.append(mm)

    def _lights(self, kind: str) -> None:
        def area(name: str, loc: tuple[float, float, float], energy: float, size: float,
                 color: tuple[float, float, float] = (1.0, 0.97, 0.92)) -> None:
            data = bpy.data.lights.new(name, type="AREA")
            data.energy = energy
            data.size = size
            data.color = color
            ob = bpy.data.objects.new(name, data)
            bpy.context.collection.objects.link(ob)
            ob.location = loc
            direction = Vector((0.3, 0.0, 0.2)) - Vector(loc)
            ob.rotation_euler = direction.to_track_quat("-Z", "Y").to_euler()

        if kind == "window_front":
            area("window", (0.3, -3.0, 1.4), 350.0, 1.6)
        elif kind == "window_side":
            area("window", (-2.8, -0.5, 1.4), 350.0, 1.6)
        elif kind == "window_behind":
            area("window", (0.3, 3.0, 1.4), 300.0, 1.6)
            area("fill", (0.3, -2.5, 2.0), 80.0, 2.0)
        elif kind == "lamp_dim":
            data = bpy.data.lights.new("lamp", type="POINT")
            data.energy = 120.0
            data.color = (1.0, 0.78, 0.55)
            data.shadow_soft_size = 0.15
            ob = bpy.data.objects.new("lamp", data)
            bpy.context.collection.objects.link(ob)
            ob.location = (1.6, -1.6, 1.2)
        else:  # overhead
            area("ceiling", (0.3, 0.0, 2.6), 450.0, 1.2, (1.0, 1.0, 1.0))

    def _clutter(self, items: list[dict[str, Any]], seed: int) -> None:
        for i, it in enumerate(items):
            mat = _material(f"clutter{i}", tuple(it["color"]), rough=0.5)
            if it["kind"] == "ball":
                r = float(it["size"])
                bpy.ops.mesh.primitive_uv_sphere_add(radius=r, location=(it["x"], it["y"], r))
            else:
                sx, sy, sz = it["dims"]
                bpy.ops.mesh.primitive_cube_add(size=1.0, location=(it["x"], it["y"], sz / 2))
                bpy.context.active_object.scale = (sx, sy, sz)
            ob = bpy.context.active_object
            ob.name = f"clutter{i}"
            ob.data.materials.append(mat)
            bpy.ops.object.shade_smooth()

    def _roller(self, spec: dict[str, Any], seed: int) -> bpy.types.Object:
        r = float(spec["diameter_cm"]) / 200.0
        length = float(spec["length_cm"]) / 100.0
        bpy.ops.mesh.primitive_cylinder_add(vertices=ROLLER_SEGMENTS, radius=r, depth=length,
                                            calc_uvs=True)
        ob = bpy.context.active_object
        ob.name = "roller"
        bpy.ops.object.shade_smooth()
        color = tuple(spec["color"])
        img = roller_texture(spec["pattern"], color, seed)
        mat = _material("roller", color, rough=float(spec.get("roughness", 0.55)), image=img,
                        scale=(1.0, max(length / 0.3, 1.0)))
        ob.data.materials.append(mat)
        ob.hide_render = not spec.get("visible", True)
        return ob

    def _person(self, ap: dict[str, Any]) -> bpy.types.Object:
        m, b = self.mesh, self.body
        me = bpy.data.meshes.new("person")
        me.from_pydata(b.rest.tolist(), [], m.faces)
        me.update()
        ob = bpy.data.objects.new("person", me)
        bpy.context.collection.objects.link(ob)
        for p in me.polygons:
            p.use_smooth = True
        mats = {
            "skin": _material("skin", tuple(ap["skin"]), rough=0.5),
            "shirt": _material("shirt", tuple(ap["shirt"]), rough=0.8, sheen=0.3),
            "trousers": _material("trousers", tuple(ap["trousers"]), rough=0.85, sheen=0.3),
            "shoes": _material("shoes", tuple(ap.get("shoes") or ap["skin"]), rough=0.6),
            "hair": _material("hair", tuple(ap["hair"]), rough=0.7),
        }
        names = list(mats)
        for nm in names:
            me.materials.append(mats[nm])
        part = face_parts(m, b, bool(ap.get("shorts")), ap.get("shoes") is not None)
        me.polygons.foreach_set("material_index", [names.index(x) for x in part])
        self.person_mesh = me
        return ob

    def _camera(self, spec: dict[str, Any]) -> bpy.types.Object:
        data = bpy.data.cameras.new("cam")
        data.sensor_fit = "HORIZONTAL"
        data.sensor_width = 36.0
        data.lens = float(spec["focal_mm"])
        data.clip_start = 0.05
        data.clip_end = 30.0
        ob = bpy.data.objects.new("cam", data)
        bpy.context.collection.objects.link(ob)
        ob.location = Vector(spec["position"])
        look = Vector(spec["target"]) - ob.location
        q = look.to_track_quat("-Z", "Y")
        roll = Matrix.Rotation(math.radians(float(spec.get("roll_deg", 0.0))), 4, "Z")
        ob.matrix_world = Matrix.Translation(ob.location) @ q.to_matrix().to_4x4() @ roll
        self.sc.camera = ob
        return ob

    def _setup_engine(self) -> None:
        sc = self.sc
        sc.view_settings.view_transform = "Standard"
        if self.quality == "draft":
            sc.render.engine = "BLENDER_WORKBENCH"
            sh = sc.display.shading
            sh.light = "STUDIO"
            sh.color_type = "TEXTURE"
            sh.show_shadows = True
            sh.show_cavity = False
            sc.display.render_aa = "8"
        else:
            sc.render.engine = "CYCLES"
            cy = sc.cycles
            cy.device = "CPU"
            cy.samples = int(self.shot.get("samples", 8))
            cy.use_denoising = True
            cy.denoiser = "OPENIMAGEDENOISE"
            cy.max_bounces = 2
            cy.diffuse_bounces = 1
            cy.glossy_bounces = 1
            cy.transmission_bounces = 0
            cy.volume_bounces = 0
            cy.use_adaptive_sampling = False
            sc.render.film_transparent = False

    # ---- per frame ---------------------------------------------------------------------
    def pose(self, posed: Posed, roll_angle: float) -> None:
        if self.person is not None:
            self.person_mesh.vertices.foreach_set("co", posed.verts.ravel())
            self.person_mesh.update()
        ax = Vector(posed.roller_axis)
        base = Vector((0.0, 0.0, 1.0)).rotation_difference(ax).to_matrix().to_4x4()
        spin = Matrix.Rotation(roll_angle, 4, "Z")
        self.roller.matrix_world = Matrix.Translation(Vector(posed.roller_center)) @ base @ spin
        self.posed = posed

    def render(self, path: str) -> None:
        self.sc.render.filepath = path
        bpy.ops.render.render(write_still=True)

    def render_mask(self, path: str) -> None:
        """Person red, roller green, the rest black: flat, unshaded, no anti-aliasing."""
        sc = self.sc
        saved = (sc.render.engine, sc.view_settings.view_transform)
        sc.render.engine = "BLENDER_WORKBENCH"
        sh = sc.display.shading
        light, ctype, shadows = sh.light, sh.color_type, sh.show_shadows
        sh.light = "FLAT"
        sh.color_type = "OBJECT"
        sh.show_shadows = False
        aa = sc.display.render_aa
        sc.display.render_aa = "OFF"
        sc.view_settings.view_transform = "Standard"
        sc.render.dither_intensity = 0.0
        for ob in sc.objects:
            if ob.type != "MESH":
                continue
            if ob.name == "person":
                ob.color = (1, 0, 0, 1)
            elif ob.name == "roller":
                ob.color = (0, 1, 0, 1)
            else:
                ob.color = (0, 0, 0, 1)
        sc.render.filepath = path
        bpy.ops.render.render(write_still=True)
        sh.light, sh.color_type, sh.show_shadows = light, ctype, shadows
        sc.display.render_aa = aa
        sc.render.engine, sc.view_settings.view_transform = saved
        sc.render.dither_intensity = 1.0

    # ---- camera maths ------------------------------------------------------------------
    def camera_matrices(self) -> tuple[F, F]:
        """K (3x3, px) and [R|t] (3x4, world -> OpenCV camera: x right, y down, z ahead)."""
        w, h = self.size
        cam = self.cam.data
        fx = cam.lens / cam.sensor_width * w
        K = np.array([[fx, 0.0, w / 2.0], [0.0, fx, h / 2.0], [0.0, 0.0, 1.0]])
        mw = np.array(self.cam.matrix_world)
        R_bc = mw[:3, :3].T  # world -> Blender camera (x right, y up, z back)
        t_bc = -R_bc @ mw[:3, 3]
        flip = np.diag([1.0, -1.0, -1.0])
        return K, np.hstack([flip @ R_bc, (flip @ t_bc)[:, None]])

    def hidden(self, points: dict[str, F], posed: Posed) -> dict[str, bool]:
        """Whether each point is hidden from the camera by the body or the roller.

        A joint lies inside the body, so a ray to it always meets the skin first: it
        counts as seen when the first surface hit lies within 12 cm in front of it.
        """
        cam_pos = np.array(self.cam.matrix_world.translation)
        verts = posed.verts if self.person is not None else np.zeros((0, 3))
        polys = self.mesh.faces if self.person is not None else []
        rv, rp = _cylinder(posed)
        allv = np.vstack([verts, rv]) if len(verts) else rv
        allp = list(polys) + [[i + len(verts) for i in f] for f in rp]
        if not self.roller.hide_render:
            tree = BVHTree.FromPolygons(allv.tolist(), allp)
        else:
            tree = BVHTree.FromPolygons(verts.tolist(), polys) if len(verts) else None
        out: dict[str, bool] = {}
        for name, pt in points.items():
            d = pt - cam_pos
            dist = float(np.linalg.norm(d))
            if tree is None:
                out[name] = False
                continue
            hit = tree.ray_cast(Vector(cam_pos), Vector(d / dist), dist + 0.01)
            if hit[0] is None:
                out[name] = False
                continue
            out[name] = bool(dist - float(hit[3]) > 0.12)
        return out


def _cylinder(posed: Posed) -> tuple[F, list[list[int]]]:
    """The roller as a closed polygon mesh in world space."""
    n = ROLLER_SEGMENTS
    a = posed.roller_axis
    ref = np.array([0.0, 0.0, 1.0]) if abs(a[2]) < 0.9 else np.array([1.0, 0.0, 0.0])
    e1 = np.cross(a, ref)
    e1 /= np.linalg.norm(e1)
    e2 = np.cross(a, e1)
    ang = np.linspace(0, 2 * math.pi, n, endpoint=False)
    ring = np.cos(ang)[:, None] * e1 + np.sin(ang)[:, None] * e2
    c, r, half = posed.roller_center, posed.roller_radius, posed.roller_length / 2
    v = np.vstack([c - a * half + r * ring, c + a * half + r * ring])
    faces = [[i, (i + 1) % n, n + (i + 1) % n, n + i] for i in range(n)]
    faces += [list(range(n))[::-1], list(range(n, 2 * n))]
    return v, faces


def face_parts(m: Mesh, b: Body, shorts: bool, shoes: bool) -> list[str]:
    """Which material each face gets, from the bone that moves it most."""
    dom = np.asarray(m.weights.argmax(1))
    names = m.bones
    r = b.rest
    out: list[str] = []
    eye_y = b.eye_y
    for f in m.faces:
        vb = names[int(np.bincount(dom[f]).argmax())]
        y = float(r[f, 1].mean())
        z = float(r[f, 2].mean())
        base = vb.split(".")[0]
        if base.startswith(("spine", "clavicle", "shoulder", "breast", "upperarm01",
                            "pelvis", "root")):
            part = "shirt" if not base.startswith("pelvis") and base != "root" else "trousers"
            if base in ("spine05",) and y < b.head[m.bone("upperleg01.L")][1] + 0.06:
                part = "trousers"
        elif base.startswith(("upperleg", "lowerleg")):
            part = "trousers"
            if base.startswith("lowerleg") and shorts:
                part = "skin"
            if base.startswith("upperleg02") and shorts:
                part = "skin" if y < b.head[m.bone("upperleg02.L")][1] else "trousers"
        elif base.startswith(("foot", "toe")):
            part = "shoes" if shoes else "skin"
        elif base == "head" or base.startswith(("special", "temporalis")):
            part = "hair" if (y > eye_y + 0.03 and z < 0.05) or y > eye_y + 0.07 else "skin"
        else:
            part = "skin"
        out.append(part)
    return out
