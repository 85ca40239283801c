"""scripts/fold_decoder.py: the decoder's upsampling folded into its convolutions gives
the same network (onnxruntime on random weights and inputs), and the shipped model is the
folded file its JSON names."""

from __future__ import annotations

import hashlib
import importlib.util
import json
from pathlib import Path
from types import ModuleType

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from formcheck.roller.learned import MODEL_PATH

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "fold_decoder.py"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fold_decoder", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _unet(rng: np.random.Generator, height: int = 12, width: int = 16, group: int = 1,
          mode: str = "nearest") -> onnx.ModelProto:
    """A two-level U-Net as torch exports train_roller's: conv, pool, conv, nearest 2x
    upsampling (scales from a Constant node, torch's attributes), the joining with the
    skip, a 3x3 convolution (``group`` groups); ``mode`` the upsampling's."""
    def w(name: str, *shape: int) -> onnx.TensorProto:
        return numpy_helper.from_array(rng.normal(0, 0.5, shape).astype(np.float32), name)

    inits = [w("w1", 4, 3, 3, 3), w("b1", 4), w("w2", 6, 4, 3, 3), w("b2", 6),
             w("w3", 5, 10 // group, 3, 3), w("b3", 5)]
    scales = numpy_helper.from_array(np.array([1, 1, 2, 2], np.float32), "scales")
    nodes = [
        helper.make_node("Conv", ["x", "w1", "b1"], ["a"], name="/e1/Conv", pads=[1] * 4,
                         kernel_shape=[3, 3]),
        helper.make_node("Relu", ["a"], ["ar"], name="/e1/Relu"),
        helper.make_node("MaxPool", ["ar"], ["p"], name="/pool", kernel_shape=[2, 2],
                         strides=[2, 2]),
        helper.make_node("Conv", ["p", "w2", "b2"], ["c"], name="/e2/Conv", pads=[1] * 4,
                         kernel_shape=[3, 3]),
        helper.make_node("Relu", ["c"], ["cr"], name="/e2/Relu"),
        helper.make_node("Constant", [], ["scales_out"], name="/up/Constant", value=scales),
        helper.make_node("Resize", ["cr", "", "scales_out"], ["u"], name="/up/Resize",
                         mode=mode, coordinate_transformation_mode="asymmetric",
                         nearest_mode="floor"),
        helper.make_node("Concat", ["u", "ar"], ["j"], name="/Concat", axis=1),
        helper.make_node("Conv", ["j", "w3", "b3"], ["y"], name="/d1/Conv", pads=[1] * 4,
                         kernel_shape=[3, 3], group=group),
    ]
    graph = helper.make_graph(
        nodes, "unet",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, height, width])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 5, height, width])], inits)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


def _run(model: onnx.ModelProto, x: np.ndarray) -> np.ndarray:
    import onnxruntime as ort

    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return np.asarray(session.run(None, {"x": x})[0])


def test_the_folded_network_computes_the_same_function() -> None:
    fold = _script().fold
    rng = np.random.default_rng(3)
    model = _unet(rng)
    folded = fold(_unet(np.random.default_rng(3)))
    ops = [n.op_type for n in folded.graph.node]
    assert "Resize" not in ops and "Constant" not in ops and "DepthToSpace" in ops
    assert ops.count("Conv") == 2 + 4 + 1
    for _ in range(5):
        x = rng.normal(0, 1, (1, 3, 12, 16)).astype(np.float32)
        want = _run(model, x)
        assert np.abs(_run(folded, x) - want).max() < 1e-4 * max(1.0, np.abs(want).max())
    with pytest.raises(ValueError, match="no 3x3 convolution"):
        fold(folded)  # nothing left to fold


def test_a_grouped_convolution_or_another_upsampling_is_not_folded() -> None:
    fold = _script().fold
    with pytest.raises(ValueError, match="no 3x3 convolution"):
        fold(_unet(np.random.default_rng(4), group=5))
    with pytest.raises(ValueError, match="no 3x3 convolution"):
        fold(_unet(np.random.default_rng(4), mode="linear"))  # the phases would be wrong


def test_the_shipped_network_is_the_folded_file_its_json_names() -> None:
    meta = json.loads(MODEL_PATH.with_suffix(".json").read_text())
    data = MODEL_PATH.read_bytes()
    assert hashlib.sha256(data).hexdigest() == meta["sha256"] and len(data) == meta["bytes"]
    assert meta["decoder_folded"] is True
    ops = {n.op_type for n in onnx.load(str(MODEL_PATH)).graph.node}
    assert "DepthToSpace" in ops and "Resize" not in ops
