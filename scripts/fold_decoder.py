"""Fold the roller network's decoder upsampling into its first convolutions (exact).

Run: ``.venv/bin/python scripts/fold_decoder.py IN.onnx OUT.onnx`` (needs ``onnx``, in the
development tools; ``scripts/train_roller.py`` applies it to what it exports).

Each decoder block of :class:`TinyUNet` starts with a 3x3 convolution over
``concat(up2(u), s)``: the deeper map ``u`` upsampled twice (nearest) beside the skip ``s``.
Split by input channels it is ``conv(s) + conv(up2(u))``, and a 3x3 convolution over a
nearest-upsampled map is, for each of the four output pixel phases (row and column even or
odd), a 2x2 convolution over ``u`` itself: the 3x3 kernel's rows (and columns) summed in
pairs ``[k0, k1 + k2]`` (even) or ``[k0 + k1, k2]`` (odd). The four phases, interleaved
(DepthToSpace), give the same map at 4/9 of the upsampled part's multiply-adds.
The function is unchanged (float rounding: logits within 1e-5); the file and its sha256 are
not. Only matching convolutions change (and the upsampling and joining they alone read,
and Constant nodes nothing reads any more); every other node is kept as it is.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import onnx
from numpy.typing import NDArray
from onnx import helper, numpy_helper


def _pairs(k: NDArray[np.float64], axis: int, phase: int) -> NDArray[np.float64]:
    """A 3-tap kernel axis folded to the 2 taps one output phase sees in a 2x upsampling."""
    k0, k1, k2 = (np.take(k, i, axis=axis) for i in range(3))
    taps = [k0, k1 + k2] if phase == 0 else [k0 + k1, k2]
    return np.stack(taps, axis=axis)


def _phase_kernels(w_up: NDArray[np.float64]) -> list[tuple[int, int, NDArray[np.float32]]]:
    """(row phase, column phase, 2x2 kernel) for a 3x3 kernel (cout, cu, 3, 3) applied
    after nearest 2x upsampling."""
    out = []
    for p in (0, 1):
        rows = _pairs(w_up, 2, p)
        for q in (0, 1):
            out.append((p, q, _pairs(rows, 3, q).astype(np.float32)))
    return out


def _attrs(node: onnx.NodeProto) -> dict[str, object]:
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def _constant(model: onnx.ModelProto, name: str) -> NDArray[np.float64] | None:
    """The value of ``name`` when it is an initializer or a Constant node's output."""
    for init in model.graph.initializer:
        if init.name == name:
            return np.asarray(numpy_helper.to_array(init), np.float64)
    for node in model.graph.node:
        if node.op_type == "Constant" and node.output[0] == name:
            value = _attrs(node).get("value")
            if isinstance(value, onnx.TensorProto):
                return np.asarray(numpy_helper.to_array(value), np.float64)
    return None


def _nearest_2x(model: onnx.ModelProto, up: onnx.NodeProto) -> bool:
    """Whether the Resize ``up`` is torch's nearest upsampling by 2 (floor of x / 2):
    the only one the phase kernels reproduce."""
    a = _attrs(up)
    scales = _constant(model, up.input[2]) if len(up.input) > 2 and up.input[2] else None
    return (a.get("mode", b"nearest") == b"nearest"
            and a.get("coordinate_transformation_mode", b"half_pixel") == b"asymmetric"
            and a.get("nearest_mode", b"round_prefer_floor") == b"floor"
            and not (len(up.input) > 3 and up.input[3])  # sizes instead of scales
            and scales is not None and scales.tolist() == [1.0, 1.0, 2.0, 2.0])


def _channels(shapes: dict[str, list[int]], name: str) -> int | None:
    dims = shapes.get(name)
    return dims[1] if dims is not None and len(dims) == 4 and dims[1] > 0 else None


def fold(model: onnx.ModelProto) -> onnx.ModelProto:
    """``model``, changed in place, with every 3x3 convolution (stride 1, pad 1, one group,
    float32) over ``Concat([Resize(u), s], axis=1)`` folded, where the Resize is nearest
    2x upsampling and nothing else reads it or the Concat; a ValueError when there is none
    (not a TinyUNet export, or already folded), before anything is changed."""
    g = model.graph
    inferred = onnx.shape_inference.infer_shapes(model).graph
    shapes = {v.name: [d.dim_value for d in v.type.tensor_type.shape.dim]
              for v in [*inferred.value_info, *inferred.input, *inferred.output]}
    inits = {i.name: i for i in g.initializer}
    producers = {o: n for n in g.node for o in n.output}
    users: dict[str, int] = {o.name: 1 for o in g.output}
    for n in g.node:
        for i in n.input:
            users[i] = users.get(i, 0) + 1
    replaced: dict[str, list[onnx.NodeProto]] = {}  # by the first output's name: unique
    dropped: set[str] = set()
    added: list[onnx.TensorProto] = []
    for n in g.node:
        if n.op_type != "Conv" or len(n.input) < 2 or n.input[1] not in inits:
            continue
        cat = producers.get(n.input[0])
        up = producers.get(cat.input[0]) if cat is not None and cat.op_type == "Concat" else None
        if (cat is None or up is None or up.op_type != "Resize" or len(cat.input) != 2
                or _attrs(cat).get("axis") not in (1, -3) or not _nearest_2x(model, up)
                or users[cat.output[0]] != 1 or users[up.output[0]] != 1):
            continue
        a = _attrs(n)
        w32 = numpy_helper.to_array(inits[n.input[1]])
        cu, cs = _channels(shapes, up.input[0]), _channels(shapes, cat.input[1])
        if (w32.dtype != np.float32 or w32.shape[2:] != (3, 3) or a.get("pads") != [1, 1, 1, 1]
                or a.get("group", 1) != 1 or a.get("strides", [1, 1]) != [1, 1]
                or a.get("dilations", [1, 1]) != [1, 1]
                or cu is None or cs is None or cu + cs != w32.shape[1]):
            continue
        w = w32.astype(np.float64)
        u, s, key = up.input[0], cat.input[1], n.output[0]
        base = (n.name or key).strip("/").replace("/", "_")
        nodes, phases = [], []
        for p, q, k in _phase_kernels(w[:, :cu]):
            t = numpy_helper.from_array(k, f"{base}_up_k{p}{q}")
            added.append(t)
            out = f"{base}_up_phase{p}{q}"
            nodes.append(helper.make_node("Conv", [u, t.name], [out], name=out,
                                          kernel_shape=[2, 2], pads=[1 - p, 1 - q, p, q]))
            phases.append(out)
        nodes.append(helper.make_node("Concat", phases, [f"{base}_up_phases"],
                                      name=f"{base}_up_phases", axis=1))
        # DCR: channel (2 p + q) * C + c goes to pixel (2 i + p, 2 j + q) of channel c
        nodes.append(helper.make_node("DepthToSpace", [f"{base}_up_phases"], [f"{base}_up"],
                                      name=f"{base}_up", blocksize=2, mode="DCR"))
        ws = numpy_helper.from_array(w[:, cu:].astype(np.float32), f"{base}_skip_w")
        added.append(ws)
        nodes.append(helper.make_node("Conv", [s, ws.name, *n.input[2:]], [f"{base}_skip"],
                                      name=f"{base}_skip", kernel_shape=[3, 3],
                                      pads=[1, 1, 1, 1]))
        nodes.append(helper.make_node("Add", [f"{base}_skip", f"{base}_up"], [key],
                                      name=f"{base}_sum"))
        replaced[key] = nodes
        dropped |= {cat.output[0], up.output[0]}
    if not replaced:
        raise ValueError("no 3x3 convolution over an upsampled concatenation to fold")
    kept = [m for n in g.node if n.output[0] not in dropped
            for m in replaced.get(n.output[0], [n])]
    used = {i for n in kept for i in n.input} | {o.name for o in g.output}
    # the upsampling's scales were Constant nodes; nothing reads them now
    kept = [n for n in kept if n.op_type != "Constant" or any(o in used for o in n.output)]
    initializers = [i for i in g.initializer if i.name in used] + added
    del g.node[:]
    g.node.extend(kept)
    del g.initializer[:]
    g.initializer.extend(initializers)
    onnx.checker.check_model(model)
    return model


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("source", type=Path)
    ap.add_argument("target", type=Path)
    args = ap.parse_args()
    from google.protobuf.message import DecodeError

    try:
        onnx.save(fold(onnx.load(str(args.source))), str(args.target))
    except (OSError, ValueError, DecodeError, onnx.checker.ValidationError) as err:
        raise SystemExit(f"fold_decoder: {args.source}: {err}") from None


if __name__ == "__main__":
    main()
