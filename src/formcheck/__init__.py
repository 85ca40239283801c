"""formcheck: checks a person's form while they foam-roll their upper back.

The pipeline, one stage per sub-package, data flowing one way:

``source`` (camera, file, photo) -> ``pose`` (the one module that imports
mediapipe) -> ``roller`` (finds the roller) -> ``evaluator`` (pure posture logic)
-> ``overlay`` and ``sinks`` -> ``frontends`` (live, analyze, grade).
``scenes`` renders synthetic clips with exact ground truth and feeds the
pipeline like a camera.
"""

__version__ = "0.1.0"
