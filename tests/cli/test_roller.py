"""``formcheck roller``: the roller's debug view from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from typer.testing import CliRunner

from formcheck.cli import app
from formcheck.errors import UsageError


def _photo() -> np.ndarray:
    """A synthetic photo of someone on a roller."""
    from formcheck.scenes import iter_scene

    image, _ = next(iter(iter_scene("good", size=(640, 360), fps=15.0, seconds=1.0, seed=1)))
    return image


def _no_model(explicit: Path | None, *args: object, **kwargs: object) -> Path:
    raise AssertionError("--out must be checked before the model is looked for")


@pytest.mark.parametrize("name", ["r3.txt", "r3"])
def test_roller_cli_rejects_an_unknown_out_suffix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    # given a video and an --out name no writer takes
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"\x00" * 64)
    out = tmp_path / name
    monkeypatch.setattr("formcheck.cli.roller.resolve_model", _no_model)
    # when
    result = CliRunner().invoke(app, ["roller", str(clip), "--out", str(out)])
    # then one usage error naming the suffixes accepted, before any work, and no file
    assert result.exit_code != 0
    assert isinstance(result.exception, UsageError), result.exception
    message = str(result.exception)
    assert "\n" not in message and message.startswith("--out ")
    assert ".png" in message and ".mp4" in message
    assert not out.exists()


def test_roller_cli_rejects_a_video_out_for_an_image(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a photo and an .mp4 --out, in a folder not there yet
    photo, out = tmp_path / "photo.png", tmp_path / "new" / "drawn.mp4"
    cv2.imwrite(str(photo), _photo())
    monkeypatch.setattr("formcheck.cli.roller.resolve_model", lambda *a, **k: tmp_path / "x.task")
    # when
    result = CliRunner().invoke(app, ["roller", str(photo), "--out", str(out)])
    # then the image suffixes are named and nothing is written
    assert isinstance(result.exception, UsageError), result.exception
    assert "image" in str(result.exception) and ".png" in str(result.exception)
    assert not out.parent.exists()


@pytest.mark.model
def test_roller_cli_prints_json_for_an_image(tmp_path: Path, model_path: Path) -> None:
    # given a photo, and --out in folders not there yet (made, as analyze makes its own)
    photo, out = tmp_path / "photo.png", tmp_path / "new" / "deeper" / "drawn.png"
    cv2.imwrite(str(photo), _photo())
    # when
    result = CliRunner().invoke(app, ["roller", str(photo), "--out", str(out),
                                             "--model", str(model_path)])
    # then stdout is one JSON object (not a Python repr) and the drawing is written
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert set(found) >= {"found", "center_px", "position", "reason"}
    assert out.is_file()


def test_roller_cli_rejects_an_unknown_detector(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a photo and a detector name that does not exist
    photo, out = tmp_path / "photo.png", tmp_path / "drawn.png"
    cv2.imwrite(str(photo), _photo())
    monkeypatch.setattr("formcheck.cli.roller.resolve_model", _no_model)
    # when
    result = CliRunner().invoke(app, ["roller", str(photo), "--out", str(out),
                                      "--roller-detector", "magic"])
    # then one usage line naming the detectors, and nothing written
    assert isinstance(result.exception, UsageError), result.exception
    assert "rules" in str(result.exception) and "learned" in str(result.exception)
    assert "\n" not in str(result.exception) and not out.exists()


@pytest.mark.model
def test_roller_cli_learned_detector_gives_both_ends(tmp_path: Path, model_path: Path) -> None:
    # given a photo of someone on a roller
    photo, out = tmp_path / "photo.png", tmp_path / "drawn.png"
    cv2.imwrite(str(photo), _photo())
    # when the learned detector is asked for
    result = CliRunner().invoke(app, ["roller", str(photo), "--out", str(out), "--model",
                                      str(model_path), "--roller-detector", "learned"])
    # then the find carries both ends and a diameter, and the drawing is written
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert found["found"], found
    assert len(found["ends_px"]) == 2 and found["diameter_px"] > 0
    assert out.is_file()


@pytest.mark.model
@pytest.mark.parametrize("name", ["drawn.png", "drawn.jpg"])
def test_roller_cli_replaces_its_own_drawing_not_a_users_file(
    tmp_path: Path, model_path: Path, name: str
) -> None:
    # given a photo drawn once, and a user's image of another name
    photo, out, mine = tmp_path / "photo.png", tmp_path / name, tmp_path / f"mine{name[5:]}"
    cv2.imwrite(str(photo), _photo())
    mine.write_bytes(cv2.imencode(mine.suffix, _photo())[1].tobytes())
    before = mine.read_bytes()
    args = ["--model", str(model_path)]
    first = CliRunner().invoke(app, ["roller", str(photo), "--out", str(out), *args])
    assert first.exit_code == 0, first.output
    # when drawn again to the same file, and to the user's
    again = CliRunner().invoke(app, ["roller", str(photo), "--out", str(out), *args])
    refused = CliRunner().invoke(app, ["roller", str(photo), "--out", str(mine), *args])
    # then the earlier drawing is replaced (still an image), the user's image is not
    assert again.exit_code == 0, again.output
    assert cv2.imread(str(out)) is not None
    assert refused.exit_code != 0 and "did not write" in str(refused.exception)
    assert mine.read_bytes() == before


def test_a_drawing_is_marked_and_a_plain_image_is_not(tmp_path: Path) -> None:
    """The mark survives decoding (the image reads as before) and tells the view's own
    PNG, JPEG and videos from anyone else's."""
    import av

    from formcheck.frontends.roller_view import MARK, is_own_drawing, marked_image

    image = _photo()
    for suffix in (".png", ".jpg"):
        plain = cv2.imencode(suffix, image)[1].tobytes()
        (tmp_path / f"plain{suffix}").write_bytes(plain)
        (tmp_path / f"ours{suffix}").write_bytes(marked_image(plain, suffix))
        assert not is_own_drawing(tmp_path / f"plain{suffix}")
        assert is_own_drawing(tmp_path / f"ours{suffix}")
        back = cv2.imread(str(tmp_path / f"ours{suffix}"))
        want = cv2.imread(str(tmp_path / f"plain{suffix}"))
        assert back is not None and want is not None and np.array_equal(back, want)
    for suffix in (".mp4", ".mkv"):
        for name, tag in (("plain", None), ("ours", MARK)):
            path = tmp_path / f"{name}{suffix}"
            with av.open(str(path), mode="w") as c:
                if tag:
                    c.metadata["comment"] = tag
                s = c.add_stream("libx264", rate=15)
                s.width, s.height, s.pix_fmt = 64, 48, "yuv420p"
                frame = av.VideoFrame.from_ndarray(np.zeros((48, 64, 3), np.uint8), format="bgr24")
                for packet in [*s.encode(frame), *s.encode()]:
                    c.mux(packet)
            assert is_own_drawing(path) == (tag is not None), path
    (tmp_path / "junk.mp4").write_bytes(b"not a video")
    assert not is_own_drawing(tmp_path / "junk.mp4")
