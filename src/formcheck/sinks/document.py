"""``summary.json`` as a typed document: :class:`SummaryDocument`.

``summary.json`` is written from it (:meth:`SummaryDocument.to_json`) and the report,
the history and ``grade`` read it, so a field is named in one place. The JSON Schema
shipped beside it (``summary.schema.json``) describes the same fields; a test checks
the two agree. Units are in the field names (``_s`` seconds, ``_cm_s`` cm/s); positions
along the back are fractions of the shoulder-to-hip line (0 shoulder, 1 hip).

A field left out when the document was made (``analysis.work_size`` for a live
session) is left out of the JSON too; every other field is written, ``null`` included.
"""

from __future__ import annotations

import json

from pydantic import BaseModel, ConfigDict, Field

from formcheck.vocabulary import CheckId, CueKey, Status, Zone


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid")


class InputInfo(_Part):
    """What was analysed: ``path`` (or ``camera N``), ``kind`` (video, image, camera),
    its size in px, its frame rate (None for a photo) and the frames read."""

    path: str
    kind: str
    width: int
    height: int
    fps: float | None
    frames_read: int


class AnalysisInfo(_Part):
    """How it was analysed: frames per second (None: every frame), frames analysed, the
    working size in px (``analyze`` only), the model and the config file (None: none)."""

    fps: int | float | None
    frames_analysed: int
    work_size: list[int] | None = None
    model: str
    config: str | None


class CameraPart(_Part):
    """Where the camera stood, read in 3D: degrees round from a side view and above the
    floor, the place in words, and where to film from next time (None: nothing to say;
    since 1.4)."""

    azimuth_deg: float
    elevation_deg: float
    place: str
    advice: str | None = None


class OthersPart(_Part):
    """People besides the one followed: seconds with them in view, the most at once,
    where the followed one was in the image, and all that in words."""

    seconds: float | None
    most: int
    followed_at: str | None
    words: str


class CheckPart(_Part):
    """One check over the session: its status, the share of known time in good form,
    the share of the session it was known, and seconds per status."""

    status: Status
    ok_fraction: float | None
    known_fraction: float
    ok_s: float
    fault_s: float
    unknown_s: float
    unknown_reason: str | None = None  # since 1.5: the commonest reason it was unknown


class EpisodePart(_Part):
    """One reported fault, its start and end in s, its cue and the cue's key."""

    check: CheckId
    start_s: float
    end_s: float
    cue: str
    key: CueKey


class ZoneRun(_Part):
    """The roller in one zone from ``start_s`` to ``end_s``."""

    zone: Zone
    start_s: float
    end_s: float


class CoveragePart(_Part):
    """Seconds per zone, and seconds per bin of positions along the back."""

    zone_s: dict[Zone, float | None]
    bin_edges: list[float | None]
    bin_s: list[float | None]


class RollerPart(_Part):
    """Where the roller was: runs of zones, seconds per zone, coverage of the back."""

    zones_over_time: list[ZoneRun]
    zone_s: dict[Zone, float]
    coverage: CoveragePart


class StrokesPart(_Part):
    """Strokes: how many, mean speed in cm/s and mean length in cm (None: none)."""

    count: int
    mean_speed_cm_s: float | None
    mean_length_cm: float | None


class HoldsPart(_Part):
    """Holds (pauses on a spot): how many, each one's seconds and position."""

    count: int
    durations_s: list[float | None]
    positions: list[float | None]


class SpeedPart(_Part):
    """Rolling speed over the session's frames, cm/s (None: never measured)."""

    mean_cm_s: float | None
    max_cm_s: float | None


class HipsPart(_Part):
    """The hips' height, the reading of how much weight rests on the roller: seconds
    with the hips high (``hip_height`` faulted) and the mean height in each third of
    the session (torso lengths above the shoulder -> ankle line; None: not read then),
    so a session that starts gently shows it."""

    high_s: float
    rise_by_third: list[float | None]


class SessionPart(_Part):
    """The session's length, frames, rolling time, target, time in good form, strokes,
    holds and speed."""

    duration_s: float | None
    frames: int
    rolling_s: float | None
    target_s: float | None
    good_form_s: float | None
    strokes: StrokesPart
    holds: HoldsPart
    speed: SpeedPart
    hips: HipsPart | None = None


class SummaryDocument(_Part):
    """The ``summary.json`` document (see the module docs and the schema)."""

    schema_: str = Field(alias="schema")
    schema_version: str
    formcheck_version: str
    input: InputInfo
    analysis: AnalysisInfo
    score: int | None
    score_reason: str | None = None
    score_formula: str
    checks: dict[CheckId, CheckPart]
    fault_episodes: list[EpisodePart]
    roller: RollerPart
    session: SessionPart
    setup_s: dict[str, float | None]
    camera: CameraPart | None = None
    others: OthersPart | None = None

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def to_jsonable(self) -> dict[str, object]:
        """The document as JSON values (enums as their strings), in field order."""
        data: dict[str, object] = self.model_dump(mode="json", by_alias=True,
                                                  exclude_unset=True)
        return data

    def to_json(self) -> str:
        """The text of ``summary.json``."""
        return json.dumps(self.to_jsonable(), indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> SummaryDocument:
        """Read a ``summary.json`` text.

        Raises:
            pydantic.ValidationError: it is not a summary document.
        """
        return cls.model_validate_json(text)
