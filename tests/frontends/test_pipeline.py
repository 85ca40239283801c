"""The pipeline looks for the roller on the model's smaller copy of a large frame and
reports it in work-frame px: the scaling helpers, and the real model on a 720p scene."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from formcheck.pose.frame import Pose, PoseFrame
from formcheck.roller.observation import Orientation, RollerObservation


def test_a_resized_pose_frame_scales_pixels_only() -> None:
    # given
    xy = np.column_stack([np.linspace(0, 1279, 33), np.linspace(0, 719, 33)])
    pose = Pose.from_pixels(xy, (1280, 720))
    frame = PoseFrame(index=3, t_ms=100.0, width=1280, height=720, pose=pose,
                      mask=np.zeros((360, 640), np.float32))
    # when
    small = frame.resized(640, 360)
    # then
    assert (small.width, small.height) == (640, 360)
    assert small.pose is not None
    np.testing.assert_allclose(small.pose.xy, xy / 2)
    np.testing.assert_allclose(small.pose.normalized, pose.normalized)
    assert small.mask is frame.mask and small.index == 3 and small.t_ms == 100.0
    assert frame.resized(1280, 720).pose is pose
    nobody = PoseFrame(index=0, t_ms=0.0, width=1280, height=720, pose=None)
    assert nobody.resized(640, 360).pose is None


def test_a_scaled_observation_scales_pixels_only() -> None:
    obs = RollerObservation(found=True, center_px=(100.0, 50.0), size_px=(30.0, 20.0),
                            angle_deg=12.0, orientation=Orientation.ACROSS,
                            contact_px=(100.0, 40.0), position=0.3, under_back=True,
                            confidence=0.8)
    big = obs.scaled(2.0)
    assert big.center_px == (200.0, 100.0) and big.size_px == (60.0, 40.0)
    assert big.contact_px == (200.0, 80.0)
    assert (big.angle_deg, big.position, big.confidence) == (12.0, 0.3, 0.8)
    assert big.orientation is Orientation.ACROSS and big.under_back
    missing = RollerObservation(found=False)
    assert missing.scaled(2.0) is missing


@pytest.mark.model
def test_the_roller_of_a_720p_scene_is_found_in_work_pixels(model_path: Path) -> None:
    from formcheck.frontends.pipeline import FramePipeline
    from formcheck.scenes import iter_scene
    from formcheck.source import VideoFrame

    # given: a 1280x720 scene (the work size), so the roller runs on the 480 px copy
    errors: list[float] = []
    visible = 0
    with FramePipeline(model_path) as pipe:
        frames = iter_scene("good", (1280, 720), seconds=1.5, seed=4)
        for k, (image, truth) in enumerate(frames):
            # when
            step = pipe.step(VideoFrame(k, truth.t_ms, image))
            r = truth.roller
            if not (truth.person_visible and r.visible and r.center_px):
                continue
            visible += 1
            if step.roller.center_px is None:
                continue
            torso = float(np.linalg.norm(np.subtract(truth.joints_px["left_hip"],
                                                     truth.joints_px["left_shoulder"])))
            # the default (learned) detector reports the whole roller's middle, not the
            # near end's disc the 2D truth's centre is
            mid = r.whole_center_px or r.center_px
            errors.append(float(np.hypot(step.roller.center_px[0] - mid[0],
                                         step.roller.center_px[1] - mid[1])) / torso)
    # then
    assert visible > 30
    print(f"found {len(errors)}/{visible}, centre error p95 {np.percentile(errors, 95):.3f}")
    assert len(errors) >= 0.95 * visible
    assert float(np.percentile(errors, 95)) <= 0.05


@pytest.mark.model
def test_calibrating_the_roller_switches_the_learned_stage_to_the_colour_rules(
        model_path: Path) -> None:
    """live's ``c`` key: the network reads no colour, so a calibration hands the stage
    to the rules detector with the colour it learned from the frame."""
    from formcheck.frontends.pipeline import FramePipeline
    from formcheck.roller.detector import RollerDetector
    from formcheck.roller.learned import LearnedRollerDetector
    from formcheck.scenes import iter_scene
    from formcheck.source import VideoFrame

    frames = list(iter_scene("good", (640, 360), seconds=1.0, seed=4))
    with FramePipeline(model_path) as pipe:
        assert isinstance(pipe.roller.detector, LearnedRollerDetector)  # the default
        steps = [pipe.step(VideoFrame(k, t.t_ms, img)) for k, (img, t) in enumerate(frames[:5])]
        # when
        done = pipe.calibrate_roller(frames[4][0], steps[-1].pose)
        # then
        assert done and isinstance(pipe.roller.detector, RollerDetector)
        assert pipe.roller.detector.hint is not None
        after = [pipe.step(VideoFrame(k, t.t_ms, img)).roller.found
                 for k, (img, t) in enumerate(frames[5:], start=5)]
        assert sum(after) >= len(after) - 1


@pytest.mark.model
def test_a_photo_is_read_as_taken_and_mirrored(model_path: Path) -> None:
    from formcheck.evaluator.evaluator import READ_TWO_WAYS
    from formcheck.frontends.pipeline import FramePipeline, Step
    from formcheck.scenes3d import dataset
    from formcheck.source import VideoFrame
    from formcheck.vocabulary import CheckId, Status

    # given a rendered photo of good form (feet flat) that the model, as taken, reads
    # with the near foot lifted, and mirrored with it on the floor (3D set, tuning part)
    shot = next(s for s in dataset.load(split="tuning")
                if s.name.startswith("tuni-still-1703-good"))
    image, truth = next(iter(shot.frames()))
    assert truth["expected"]["feet_flat"] == "ok"
    feet = CheckId.FEET_FLAT

    def read(mirrored: bool) -> tuple[Step, dict[str, float]]:
        with FramePipeline(model_path, still=True, read_mirrored=mirrored) as pipe:
            return pipe.step(VideoFrame(0, 0.0, image)), pipe.times.seconds

    # when read once, and read as analyze reads a photo
    once, once_times = read(False)
    twice, twice_times = read(True)
    # then the single reading faults the feet; the two readings leave them unknown,
    # saying why, and cue nothing
    assert once.verdict.checks[feet].status is Status.FAULT
    assert twice.verdict.checks[feet].status is Status.UNKNOWN
    assert twice.verdict.checks[feet].reason == READ_TWO_WAYS
    assert twice.verdict.cue is None
    # the mirror pass (a pose model's pass and more) is timed apart, only when it runs,
    # and not again in the roller stage's time
    assert twice_times["mirror"] > twice_times["roller"]
    assert once_times["mirror"] == 0.0
    # the checks the photo reads ok stay ok
    for check in (CheckId.KNEES_BENT, CheckId.HEAD_SUPPORTED):
        assert once.verdict.checks[check].status is Status.OK
        assert twice.verdict.checks[check].status is Status.OK
