"""Summary documents for tests, made from a recorded one."""

from __future__ import annotations

from pathlib import Path

from formcheck.sinks.document import SummaryDocument
from formcheck.vocabulary import CheckId

RECORDED = Path(__file__).resolve().parents[1] / "golden" / "files"


def recorded_summary(name: str = "analyze-tuni-still-1734-good-summary.json") -> SummaryDocument:
    """A ``summary.json`` recorded by ``tests/golden`` (a photo's, by default)."""
    return SummaryDocument.from_json((RECORDED / name).read_text())


def summary_with(
    score: int | None, ok: dict[CheckId, float | None] | None = None, **session: float,
) -> SummaryDocument:
    """The recorded summary with this score, these checks' ok fractions (only these
    checks) and these session fields (``duration_s=600``, ...)."""
    doc = recorded_summary()
    update: dict[str, object] = {"score": score,
                                 "session": doc.session.model_copy(update=session)}
    if ok is not None:
        update["checks"] = {c: doc.checks[c].model_copy(update={"ok_fraction": f})
                            for c, f in ok.items()}
    return doc.model_copy(update=update)
