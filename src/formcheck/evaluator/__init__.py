"""Evaluator stage: pure posture logic (numpy in, verdicts out). No cv2, no mediapipe.

Public API (imported lazily, so ``import formcheck.evaluator`` stays cheap)::

    from formcheck.evaluator import Evaluator, EvaluatorConfig, evaluate_still, load_config

- :class:`EvaluatorConfig`, :func:`load_config` (``config.py``): the configuration.
- :class:`Evaluator`, :func:`evaluate_still` (``evaluator.py``): the evaluation.
- :class:`FrameVerdict`, :class:`SessionSummary` and their parts (``results.py``).
- ``thresholds.py``: the default thresholds (the shared words are in
  :mod:`formcheck.vocabulary`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from formcheck.evaluator.config import EvaluatorConfig, load_config
    from formcheck.evaluator.evaluator import Evaluator, evaluate_still
    from formcheck.evaluator.results import (
        CheckSummary,
        CheckVerdict,
        Cue,
        FaultEpisode,
        FrameVerdict,
        SessionSummary,
        SetupCode,
        SetupState,
    )

_EXPORTS = {
    "EvaluatorConfig": "formcheck.evaluator.config",
    "load_config": "formcheck.evaluator.config",
    "Evaluator": "formcheck.evaluator.evaluator",
    "evaluate_still": "formcheck.evaluator.evaluator",
    "CheckSummary": "formcheck.evaluator.results",
    "CheckVerdict": "formcheck.evaluator.results",
    "Cue": "formcheck.evaluator.results",
    "FaultEpisode": "formcheck.evaluator.results",
    "FrameVerdict": "formcheck.evaluator.results",
    "SessionSummary": "formcheck.evaluator.results",
    "SetupCode": "formcheck.evaluator.results",
    "SetupState": "formcheck.evaluator.results",
}

__all__ = [
    "CheckSummary",
    "CheckVerdict",
    "Cue",
    "Evaluator",
    "EvaluatorConfig",
    "FaultEpisode",
    "FrameVerdict",
    "SessionSummary",
    "SetupCode",
    "SetupState",
    "evaluate_still",
    "load_config",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'formcheck.evaluator' has no attribute {name!r}")
