"""``summary.json`` and its typed document: the schema and the model name the same
fields, and a recorded summary reads back to the same bytes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import BaseModel

from formcheck.sinks.document import SummaryDocument
from formcheck.sinks.summary import SCHEMA_PATH
from formcheck.vocabulary import CheckId
from tests.sinks.helpers import RECORDED

SCHEMA: dict[str, Any] = json.loads(SCHEMA_PATH.read_text())
SUMMARIES = sorted(RECORDED.glob("*summary.json"))


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    """The schema node, through a ``$ref`` into ``$defs``."""
    ref = node.get("$ref")
    return SCHEMA["$defs"][ref.rsplit("/", 1)[-1]] if ref else node


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The document part a field holds, directly or as list items or dict values."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_of(arg)
        if found is not None:
            return found
    return None


def _compare(model: type[BaseModel], node: dict[str, Any], where: str) -> list[str]:
    """Where the model's fields and the schema's properties differ."""
    node = _resolve(node)
    props = node.get("properties")
    if props is None:  # a map (check id -> part) or a list: compare its items
        inner = node.get("additionalProperties") or node.get("items")
        if isinstance(inner, dict):
            return _compare(model, inner, where + "[]")
        return []
    names = {f.alias or name: f for name, f in model.model_fields.items()}
    problems = [f"{where}: {n} only in the model" for n in sorted(set(names) - set(props))]
    problems += [f"{where}: {n} only in the schema" for n in sorted(set(props) - set(names))]
    for name in sorted(set(names) & set(props)):
        part = _model_of(names[name].annotation)
        if part is not None:
            problems += _compare(part, props[name], f"{where}.{name}")
    return problems


def test_the_schema_names_the_documents_fields() -> None:
    assert _compare(SummaryDocument, SCHEMA, "summary") == []


def test_the_schemas_required_fields_are_required_by_the_model() -> None:
    required = {f.alias or n for n, f in SummaryDocument.model_fields.items()
                if f.is_required()}
    assert set(SCHEMA["required"]) <= required


@pytest.mark.parametrize("path", SUMMARIES, ids=lambda p: p.name)
def test_a_recorded_summary_reads_back_to_the_same_bytes(path: Any) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    text = path.read_text()
    jsonschema.validate(json.loads(text), SCHEMA)
    assert SummaryDocument.from_json(text).to_json() == text


def test_there_are_recorded_summaries_to_read() -> None:
    assert len(SUMMARIES) >= 3


def test_an_unknown_check_says_why_in_the_summary() -> None:
    """Since 1.5 each check carries the reason it was unknown most often (null where it
    never was): the demo's speed waits for a second of positions at the start."""
    demo = SummaryDocument.from_json((RECORDED / "analyze-demo-summary.json").read_text())
    speed = demo.checks[CheckId.ROLLING_SPEED]
    assert speed.unknown_s > 0 and speed.unknown_reason == "Measuring the rolling speed"
    assert all((part.unknown_reason is None) == (part.unknown_s == 0)
               for part in demo.checks.values())
