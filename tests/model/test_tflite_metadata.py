"""The flatbuffers writer: metadata attached to a model reads back intact."""

from __future__ import annotations

import flatbuffers
import pytest

from formcheck.model.tflite_metadata import (
    FlatbufferError,
    add_metadata,
    image_input_metadata,
    metadata_names,
    read_metadata,
)


def _tiny_model(with_metadata: list[str]) -> bytes:
    """A minimal TFLite ``Model``: version 3, one empty buffer, named metadata entries."""
    b = flatbuffers.Builder(256)
    b.StartObject(3)
    empty_buffer = b.EndObject()
    metas = []
    for name in with_metadata:
        s = b.CreateString(name)
        b.StartObject(2)
        b.PrependUOffsetTRelativeSlot(0, s, 0)
        b.PrependUint32Slot(1, 0, 0)
        metas.append(b.EndObject())
    b.StartVector(4, 1, 4)
    b.PrependUOffsetTRelative(empty_buffer)
    buffers = b.EndVector()
    b.StartVector(4, len(metas), 4)
    for m in reversed(metas):
        b.PrependUOffsetTRelative(m)
    meta_vec = b.EndVector()
    b.StartObject(8)
    b.PrependUint32Slot(0, 3, 0)
    b.PrependUOffsetTRelativeSlot(4, buffers, 0)
    b.PrependUOffsetTRelativeSlot(6, meta_vec, 0)
    b.Finish(b.EndObject(), file_identifier=b"TFL3")
    return bytes(b.Output())


def test_metadata_has_its_file_identifier() -> None:
    meta = image_input_metadata("m", [127.5], [127.5])
    assert meta[4:8] == b"M001"


def test_added_metadata_reads_back_and_old_entries_stay() -> None:
    # given
    model = _tiny_model(["min_runtime_version"])
    meta = image_input_metadata("pose_detector", [127.5], [127.5])
    # when
    patched = add_metadata(model, meta)
    # then
    assert patched[4:8] == b"TFL3"
    assert len(patched) % 4 == 0 and patched.endswith(model)
    assert metadata_names(patched) == ["min_runtime_version", "TFLITE_METADATA"]
    assert read_metadata(patched) == meta


def test_existing_tflite_metadata_is_replaced_not_duplicated() -> None:
    # given
    once = add_metadata(_tiny_model([]), image_input_metadata("a", [0.0], [255.0]))
    second = image_input_metadata("b", [127.5], [127.5])
    # when
    twice = add_metadata(once, second)
    # then
    assert metadata_names(twice) == ["TFLITE_METADATA"]
    assert read_metadata(twice) == second


def test_model_without_metadata_reads_none() -> None:
    assert read_metadata(_tiny_model([])) is None


def test_not_a_tflite_file_is_refused() -> None:
    with pytest.raises(FlatbufferError, match="TFL3"):
        add_metadata(b"PK\x03\x04 not a model", b"")
