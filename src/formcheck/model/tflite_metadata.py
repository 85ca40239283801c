"""A small flatbuffers writer that gives a legacy TFLite model the input metadata
that MediaPipe's Tasks API needs.

The legacy pose models in the ``mediapipe==0.10.21`` wheel take float input but carry
no ``NormalizationOptions``; the Tasks API refuses them ("Input tensor has type
float32: it requires specifying NormalizationOptions metadata"). This module

1. writes a ``ModelMetadata`` flatbuffer (file identifier ``M001``) describing one RGB
   image input with its normalisation (mean, std), using the generic ``flatbuffers``
   builder and the field numbers of TFLite's ``metadata_schema.fbs``; and
2. attaches it to the model as a buffer named ``TFLITE_METADATA``.

Step 2 rewrites no part of the original model. A flatbuffer's references (uoffsets)
only point forwards, so a new root ``Model`` table, new ``buffers`` and ``metadata``
vectors and the new tables are written in a block placed *in front of* the original
bytes; they point forwards into the untouched original. The block's length is a
multiple of 64 bytes, so every alignment inside the original is kept.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

import flatbuffers
import numpy as np

TFLITE_IDENTIFIER = b"TFL3"
METADATA_IDENTIFIER = b"M001"
METADATA_BUFFER_NAME = "TFLITE_METADATA"
# Fields of the tflite ``Model`` table (schema.fbs).
_MODEL_VERSION, _MODEL_BUFFERS, _MODEL_METADATA = 0, 4, 6
_MODEL_MIN_FIELDS = 7
# Union tags in metadata_schema.fbs (NONE is 0).
_CONTENT_IMAGE_PROPERTIES = 2
_PROCESS_UNIT_NORMALIZATION = 1
_COLOR_SPACE_RGB = 1
_PREFIX_ALIGN = 64


class FlatbufferError(ValueError):
    """The bytes are not a TFLite model this writer understands."""


def image_input_metadata(
    name: str, mean: Sequence[float], std: Sequence[float], min_parser_version: str = "1.0.0"
) -> bytes:
    """Serialise a ``ModelMetadata`` for a model with one RGB image input.

    Args:
        name: the model's name, stored in the metadata.
        mean: per-channel (or one) normalisation mean, in pixel values (0..255).
        std: per-channel (or one) normalisation standard deviation, in pixel values.
        min_parser_version: the metadata parser version the content needs.

    Returns:
        The flatbuffer bytes, with file identifier ``M001``.
    """
    b = flatbuffers.Builder(512)
    mean_vec = b.CreateNumpyVector(np.asarray(mean, dtype=np.float32))
    std_vec = b.CreateNumpyVector(np.asarray(std, dtype=np.float32))
    # NormalizationOptions { mean:[float] (0); std:[float] (1) }
    b.StartObject(2)
    b.PrependUOffsetTRelativeSlot(0, mean_vec, 0)
    b.PrependUOffsetTRelativeSlot(1, std_vec, 0)
    normalization = b.EndObject()
    # ProcessUnit { options_type:ubyte (0); options (1) }
    b.StartObject(2)
    b.PrependUint8Slot(0, _PROCESS_UNIT_NORMALIZATION, 0)
    b.PrependUOffsetTRelativeSlot(1, normalization, 0)
    process_unit = b.EndObject()
    process_units = _offset_vector(b, [process_unit])
    # ImageProperties { color_space:byte (0); default_size (1) }
    b.StartObject(2)
    b.PrependInt8Slot(0, _COLOR_SPACE_RGB, 0)
    image_properties = b.EndObject()
    # Content { content_properties_type:ubyte (0); content_properties (1); range (2) }
    b.StartObject(3)
    b.PrependUint8Slot(0, _CONTENT_IMAGE_PROPERTIES, 0)
    b.PrependUOffsetTRelativeSlot(1, image_properties, 0)
    content = b.EndObject()
    tensor_name = b.CreateString("image")
    # TensorMetadata { name (0); description (1); dimension_names (2); content (3);
    #                  process_units (4); stats (5); associated_files (6) }
    b.StartObject(7)
    b.PrependUOffsetTRelativeSlot(0, tensor_name, 0)
    b.PrependUOffsetTRelativeSlot(3, content, 0)
    b.PrependUOffsetTRelativeSlot(4, process_units, 0)
    tensor = b.EndObject()
    inputs = _offset_vector(b, [tensor])
    # SubGraphMetadata { name (0); description (1); input_tensor_metadata (2); ... 10 fields }
    b.StartObject(10)
    b.PrependUOffsetTRelativeSlot(2, inputs, 0)
    subgraph = b.EndObject()
    subgraphs = _offset_vector(b, [subgraph])
    model_name = b.CreateString(name)
    parser_version = b.CreateString(min_parser_version)
    # ModelMetadata { name (0); description (1); version (2); subgraph_metadata (3);
    #                 author (4); license (5); associated_files (6); min_parser_version (7) }
    b.StartObject(8)
    b.PrependUOffsetTRelativeSlot(0, model_name, 0)
    b.PrependUOffsetTRelativeSlot(3, subgraphs, 0)
    b.PrependUOffsetTRelativeSlot(7, parser_version, 0)
    root = b.EndObject()
    b.Finish(root, file_identifier=METADATA_IDENTIFIER)
    return bytes(b.Output())


def _offset_vector(b: flatbuffers.Builder, offsets: Sequence[int]) -> int:
    b.StartVector(4, len(offsets), 4)
    for off in reversed(offsets):
        b.PrependUOffsetTRelative(off)
    return int(b.EndVector())


# ---------------------------------------------------------------- reading the model


def _u16(buf: bytes, pos: int) -> int:
    return int(struct.unpack_from("<H", buf, pos)[0])


def _u32(buf: bytes, pos: int) -> int:
    return int(struct.unpack_from("<I", buf, pos)[0])


def _i32(buf: bytes, pos: int) -> int:
    return int(struct.unpack_from("<i", buf, pos)[0])


def _table_fields(buf: bytes, table: int) -> list[int | None]:
    """Absolute position of each field of the table at ``table`` (None when absent)."""
    vtable = table - _i32(buf, table)
    if not 0 <= vtable < len(buf):
        raise FlatbufferError("vtable outside the buffer")
    count = (_u16(buf, vtable) - 4) // 2
    fields: list[int | None] = []
    for i in range(count):
        off = _u16(buf, vtable + 4 + 2 * i)
        fields.append(table + off if off else None)
    return fields


def _deref(buf: bytes, pos: int) -> int:
    return pos + _u32(buf, pos)


def _vector_targets(buf: bytes, field: int | None) -> list[int]:
    """Absolute positions of the tables a vector-of-tables field points to."""
    if field is None:
        return []
    vec = _deref(buf, field)
    return [_deref(buf, vec + 4 + 4 * k) for k in range(_u32(buf, vec))]


def _string(buf: bytes, field: int | None) -> str | None:
    if field is None:
        return None
    pos = _deref(buf, field)
    return buf[pos + 4 : pos + 4 + _u32(buf, pos)].decode("utf-8", "replace")


def metadata_names(model: bytes) -> list[str]:
    """Names of the ``metadata`` entries of a TFLite model (e.g. ``min_runtime_version``)."""
    root = _root(model)
    fields = _table_fields(model, root)
    meta_field = fields[_MODEL_METADATA] if len(fields) > _MODEL_METADATA else None
    names = []
    for table in _vector_targets(model, meta_field):
        name_field = _table_fields(model, table)[0]
        names.append(_string(model, name_field) or "")
    return names


def _root(model: bytes) -> int:
    if len(model) < 8 or model[4:8] != TFLITE_IDENTIFIER:
        raise FlatbufferError("not a TFLite flatbuffer (identifier TFL3 missing)")
    return _u32(model, 0)


# ---------------------------------------------------------------- writing the prefix


class _Block:
    """A growing byte block whose positions are final: the prefix in front of the model."""

    def __init__(self) -> None:
        self.data = bytearray()

    def align(self, n: int, extra: int = 0) -> None:
        """Pad so that ``len + extra`` is a multiple of ``n``."""
        while (len(self.data) + extra) % n:
            self.data.append(0)

    def reserve(self, size: int) -> int:
        pos = len(self.data)
        self.data.extend(b"\0" * size)
        return pos

    def put(self, fmt: str, pos: int, *values: int) -> None:
        struct.pack_into(fmt, self.data, pos, *values)

    def uoffset(self, at: int, target: int) -> None:
        if target <= at:
            raise FlatbufferError("internal: a uoffset must point forwards")
        self.put("<I", at, target - at)


def add_metadata(model: bytes, metadata: bytes) -> bytes:
    """Return ``model`` with ``metadata`` attached as its ``TFLITE_METADATA`` buffer.

    An existing ``TFLITE_METADATA`` entry is replaced; other entries are kept.

    Args:
        model: a TFLite flatbuffer (identifier ``TFL3``).
        metadata: a ``ModelMetadata`` flatbuffer, e.g. from :func:`image_input_metadata`.
    """
    root = _root(model)
    fields = _table_fields(model, root)
    fields += [None] * (_MODEL_MIN_FIELDS - len(fields))
    version_field = fields[_MODEL_VERSION]
    version = _u32(model, version_field) if version_field is not None else 0
    old_buffers = _vector_targets(model, fields[_MODEL_BUFFERS])
    old_meta = [
        t
        for t in _vector_targets(model, fields[_MODEL_METADATA])
        if _string(model, _table_fields(model, t)[0]) != METADATA_BUFFER_NAME
    ]

    blk = _Block()
    # Header: root offset, then the file identifier.
    blk.reserve(4)
    blk.data.extend(TFLITE_IDENTIFIER)
    # Model vtable: every field gets a slot in the new table, absent ones stay 0.
    n = len(fields)
    vtable = blk.reserve(4 + 2 * n)
    blk.align(4)
    table = blk.reserve(4 + 4 * n)
    blk.put("<HH", vtable, 4 + 2 * n, 4 + 4 * n)
    blk.put("<i", table, table - vtable)
    blk.put("<I", 0, table)
    for i in range(n):
        present = fields[i] is not None or i in (_MODEL_BUFFERS, _MODEL_METADATA)
        blk.put("<H", vtable + 4 + 2 * i, 4 + 4 * i if present else 0)
    blk.put("<I", table + 4 + 4 * _MODEL_VERSION, version)
    # New vectors: buffers (old ones + metadata buffer) and metadata (old ones + ours).
    buffers_vec = blk.reserve(4 + 4 * (len(old_buffers) + 1))
    meta_vec = blk.reserve(4 + 4 * (len(old_meta) + 1))
    # Metadata { name:string (0); buffer:uint (1) }
    meta_vt = blk.reserve(8)
    blk.put("<HHHH", meta_vt, 8, 12, 4, 8)
    meta_table = blk.reserve(12)
    blk.put("<i", meta_table, meta_table - meta_vt)
    blk.put("<I", meta_table + 8, len(old_buffers))
    name_bytes = METADATA_BUFFER_NAME.encode()
    name_pos = blk.reserve(4 + len(name_bytes) + 1)
    blk.put("<I", name_pos, len(name_bytes))
    blk.data[name_pos + 4 : name_pos + 4 + len(name_bytes)] = name_bytes
    blk.uoffset(meta_table + 4, name_pos)
    blk.align(4)
    # Buffer { data:[ubyte] (0) }, data 16-byte aligned as TFLite aligns buffers.
    buf_vt = blk.reserve(6)
    blk.put("<HHH", buf_vt, 6, 8, 4)
    blk.align(4)
    buf_table = blk.reserve(8)
    blk.put("<i", buf_table, buf_table - buf_vt)
    blk.align(16, extra=4)
    data_pos = blk.reserve(4 + len(metadata))
    blk.put("<I", data_pos, len(metadata))
    blk.data[data_pos + 4 : data_pos + 4 + len(metadata)] = metadata
    blk.uoffset(buf_table + 4, data_pos)
    blk.align(_PREFIX_ALIGN)
    shift = len(blk.data)  # the original model starts here

    def slot(i: int) -> int:
        return table + 4 + 4 * i

    for i in range(1, n):
        if i == _MODEL_BUFFERS:
            blk.uoffset(slot(i), buffers_vec)
        elif i == _MODEL_METADATA:
            blk.uoffset(slot(i), meta_vec)
        elif fields[i] is not None:
            blk.uoffset(slot(i), shift + _deref(model, fields[i]))  # type: ignore[arg-type]
    blk.put("<I", buffers_vec, len(old_buffers) + 1)
    for k, target in enumerate(old_buffers):
        blk.uoffset(buffers_vec + 4 + 4 * k, shift + target)
    blk.uoffset(buffers_vec + 4 + 4 * len(old_buffers), buf_table)
    blk.put("<I", meta_vec, len(old_meta) + 1)
    for k, target in enumerate(old_meta):
        blk.uoffset(meta_vec + 4 + 4 * k, shift + target)
    blk.uoffset(meta_vec + 4 + 4 * len(old_meta), meta_table)
    return bytes(blk.data) + model


def read_metadata(model: bytes) -> bytes | None:
    """The ``TFLITE_METADATA`` buffer of a model, or None when it has none."""
    root = _root(model)
    fields = _table_fields(model, root)
    if len(fields) <= _MODEL_METADATA:
        return None
    buffers = _vector_targets(model, fields[_MODEL_BUFFERS])
    for table in _vector_targets(model, fields[_MODEL_METADATA]):
        tf = _table_fields(model, table)
        if _string(model, tf[0]) == METADATA_BUFFER_NAME:
            index_field = tf[1] if len(tf) > 1 else None
            index = _u32(model, index_field) if index_field is not None else 0
            data_field = _table_fields(model, buffers[index])[0]
            if data_field is None:
                return None
            vec = _deref(model, data_field)
            return model[vec + 4 : vec + 4 + _u32(model, vec)]
    return None
