"""Train the learned roller detector's segmentation network and export it to ONNX.

Trains ONLY on the 3D benchmark set's tuning split: each frame's search-region crop
(placed by the truth's landmarks) with its roller mask, augmented afresh every step
(:mod:`formcheck.roller.learned_data`). A tiny U-Net (3 levels, 16-32-64 channels unless
``--channels``), BCE + Dice loss, Adam; fixed seed, one torch thread. Writes
``src/formcheck/roller/roller_seg.onnx`` and ``roller_seg.json`` (sha256, data, steps,
seconds, final loss).

    nice -n 10 .venv/bin/python scripts/train_roller.py [--steps 1200] [--set DIR]
        [--target visible|whole] [--hold-out grey,patterned]

``--target whole`` trains on the whole roller's silhouette (hidden parts included; see
docs/roller_learned.md for why the committed model is the ``visible`` one).

Needs torch and onnx (dev only: ``pip install torch==2.13.0 onnx``); the package runs
the exported model with onnxruntime.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import time
import zlib
from pathlib import Path
from typing import Any, Literal

import cv2
import numpy as np
import onnx
import torch
from fold_decoder import fold  # scripts/, beside this one
from torch import nn

from formcheck.roller.learned import MODEL_PATH, WORK_PX
from formcheck.roller.learned_data import ROLLER_LABEL, seen_centre, training_sample
from formcheck.scenes import stream
from formcheck.scenes3d import dataset
from formcheck.scenes3d.benchset import detector_training_shot

CLIP_EVERY = 3  # a clip's frames change slowly: every third one is kept
SCENES2D_SEED = 7919  # the 2D acceptance runs use seeds 0-14; these looks stay apart


def block(cin: int, cout: int, dilation: int = 1, separable: bool = False) -> nn.Sequential:
    """Two 3x3 convolutions, each with batch norm and ReLU; ``separable``: each a
    depthwise 3x3 then a pointwise 1x1 (about half the time in OpenCV's DNN, where it was timed)."""
    if not separable:
        return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout),
                             nn.ReLU(inplace=True),
                             nn.Conv2d(cout, cout, 3, padding=dilation, dilation=dilation),
                             nn.BatchNorm2d(cout), nn.ReLU(inplace=True))
    return nn.Sequential(
        nn.Conv2d(cin, cin, 3, padding=1, groups=cin), nn.Conv2d(cin, cout, 1),
        nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
        nn.Conv2d(cout, cout, 3, padding=dilation, dilation=dilation, groups=cout),
        nn.Conv2d(cout, cout, 1), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


def lean_block(cin: int, cout: int, convs: int = 1) -> nn.Sequential:
    """A 1x1 convolution from the joined skip and upsampled channels down to ``cout``, then
    ``convs`` 3x3 ones, each with batch norm and ReLU: a decoder block at a third
    (``convs`` 1) or three fifths (2) of :func:`block`'s cost (the decoder's blocks, on the
    joined channels, were the network's dearest)."""
    layers: list[nn.Module] = [nn.Conv2d(cin, cout, 1), nn.BatchNorm2d(cout),
                               nn.ReLU(inplace=True)]
    for _ in range(convs):
        layers += [nn.Conv2d(cout, cout, 3, padding=1), nn.BatchNorm2d(cout),
                   nn.ReLU(inplace=True)]
    return nn.Sequential(*layers)


class TinyUNet(nn.Module):
    """RGB (N, 3, 96, 96) in 0..1 -> logits (N, 1 + heads, 96, 96): the visible roller
    pixels, then with ``heads`` the whole roller's centre and its ends as heatmaps.
    ``decoder``: "full" (each block two 3x3 convolutions, ``separable`` or not; the
    committed network), "lean" or "mixed" (:func:`lean_block`; ``separable`` does not
    apply to them)."""

    def __init__(self, heads: int = 0, dilation: int = 1,
                 channels: tuple[int, int, int] = (16, 32, 64), separable: bool = False,
                 decoder: Literal["full", "lean", "mixed"] = "full") -> None:
        super().__init__()
        w1, w2, w3 = channels
        sep = separable
        # the deepest block's second convolution dilated: a wider view at the same cost
        self.e1, self.e2 = block(3, w1, separable=sep), block(w1, w2, separable=sep)
        self.e3 = block(w2, w3, dilation, separable=sep)
        if decoder == "lean":
            self.d2, self.d1 = lean_block(w3 + w2, w2), lean_block(w2 + w1, w1)
        elif decoder == "mixed":  # the full-resolution block keeps two 3x3 convolutions
            self.d2, self.d1 = lean_block(w3 + w2, w2), lean_block(w2 + w1, w1, 2)
        elif decoder == "full":
            self.d2, self.d1 = (block(w3 + w2, w2, separable=sep),
                                block(w2 + w1, w1, separable=sep))
        else:
            raise ValueError(f"unknown decoder {decoder!r}")
        self.pool, self.up = nn.MaxPool2d(2), nn.Upsample(scale_factor=2, mode="nearest")
        self.out = nn.Conv2d(w1, 1 + heads, 1)
        with torch.no_grad():  # heatmaps start near 0.1 everywhere (CenterNet's prior)
            assert self.out.bias is not None
            self.out.bias[1:] = -2.19

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        a = self.e1(x)
        b = self.e2(self.pool(a))
        c = self.e3(self.pool(b))
        d = self.d2(torch.cat([self.up(c), b], 1))
        return self.out(self.d1(torch.cat([self.up(d), a], 1)))  # type: ignore[no-any-return]


def load_frames(root: Path, hold_out: frozenset[str] = frozenset(),
                keep_unseen: bool = False, shot_share: float = 1.0,
                extra: Path | None = None,
                ) -> list[tuple[np.ndarray, np.ndarray, dict[str, Any]]]:
    """(image, labels, truth) of every tuning still and every CLIP_EVERY-th clip frame,
    but those of shots whose roller colour is in ``hold_out`` and, with ``keep_unseen``,
    those kept for calibration and validation (``benchset.detector_training_shot``).
    ``shot_share`` under 1 keeps that share of the shots, chosen by their names' CRC-32
    (the same shots whatever the seed): a learning curve's smaller sets. ``extra``: a
    training store (``benchset.training_plan``) read as well (with ``keep_unseen``, but its
    validation stills)."""
    out = []
    shots = dataset.load(root, "tuning")
    stored = [] if extra is None else dataset.load(extra, "tuning")
    for shot in shots + stored:
        if shot.row["look"]["roller_color"] in hold_out:
            continue
        if keep_unseen and not detector_training_shot(shot.name):
            continue
        if shot_share < 1.0 and zlib.crc32(shot.name.encode()) / 2**32 >= shot_share:
            continue
        masks = shot.masks()
        for k, (img, truth) in enumerate(shot.frames()):
            if k % CLIP_EVERY == 0:
                out.append((img, masks[k], truth))
    return out


def batch(frames: list[Any], rng: np.random.Generator, n: int,
          whole: bool, desaturate: float, wander_share: float,
          recolour_share: float = 0.0, room_share: float = 0.0) -> tuple[torch.Tensor, ...]:
    """Images (N, 3, H, W), masks (N, 1, H, W), heatmaps (N, 2, H, W) and their
    weights (N, 2)."""
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    hs: list[np.ndarray] = []
    ws: list[np.ndarray] = []
    while len(xs) < n:
        img, labels, truth = frames[int(rng.integers(len(frames)))]
        sample = training_sample(img, labels, truth, rng, cv2, whole, desaturate,
                                 wander_share, recolour_share, room_share)
        if sample is None:
            continue
        rgb = sample[0][:, :, ::-1].astype(np.float32) / 255.0  # as blobFromImage(swapRB)
        xs.append(rgb.transpose(2, 0, 1))
        ys.append(sample[1][None].astype(np.float32))
        hs.append(sample[2])
        ws.append(sample[3])
    return tuple(torch.from_numpy(np.stack(a)) for a in (xs, ys, hs, ws))


def focal(logits: torch.Tensor, target: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    """CenterNet's penalty-reduced focal loss over heatmaps (N, C, H, W), each map
    weighted by ``weight`` (N, C), normalised by the number of peaks."""
    p = torch.sigmoid(logits).clamp(1e-4, 1 - 1e-4)
    pos = (target >= 1.0).float()
    w = weight[:, :, None, None]
    pos_loss = -(torch.log(p) * (1 - p) ** 2 * pos * w).sum()
    neg_loss = -(torch.log(1 - p) * p ** 2 * (1 - target) ** 4 * (1 - pos) * w).sum()
    return (pos_loss + neg_loss) / (pos * w).sum().clamp(min=1.0)


def roller_2d_truth(labels: np.ndarray, truth: dict[str, Any],
                    whole: bool = False) -> dict[str, Any]:
    """A 2D scene frame's truth with the roller's centre. ``whole``: the renderer's whole
    roller, its centre and both ends (``stream.masked_frames``), as the 3D truth gives
    them. Else (how the committed model was trained) the centroid of the visible pixels
    (``seen_centre``), ends unknown: an approximation, off the whole roller's centre
    where the body hides part of it or the camera looks down on an across roller."""
    r = truth.get("roller") or {}
    if whole:
        return truth
    rest = {k: v for k, v in truth.items() if k not in ("roller", "roller_ends_px")}
    centre = seen_centre(labels)
    if centre is None or not r.get("visible"):
        return rest
    return {**rest, "roller": {"visible": True, "center_px": list(centre)}}


def _channels(text: str) -> tuple[int, int, int]:
    """``--channels``: three comma-separated counts, full resolution first."""
    parts = [int(c) for c in text.split(",")]
    if len(parts) != 3 or min(parts) < 1:
        raise argparse.ArgumentTypeError("three positive numbers, e.g. 16,32,64")
    return parts[0], parts[1], parts[2]


def _share(text: str) -> float:
    """A share of crops: a number from 0 to 1."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"a share from 0 to 1, not {text!r}")
    return value


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser()
    ap.add_argument("--set", type=Path, default=dataset.DEFAULT_SET)
    ap.add_argument("--extra-set", type=Path, default=None,
                    help="also train on this store of training stills (data/roller_train3d, "
                         "rendered by benchset --training)")
    ap.add_argument("--steps", type=int, default=1200)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--seed", type=int, default=19)
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    ap.add_argument("--target", choices=("visible", "whole"), default="visible",
                    help="segment the whole roller (hidden parts too) or its visible pixels")
    ap.add_argument("--desaturate", type=float, default=0.0,
                    help="share of training crops with most of their colour taken out")
    ap.add_argument("--shot-share", type=float, default=1.0,
                    help="train on this share of the 3D training shots (a learning curve)")
    ap.add_argument("--hold-out", default="",
                    help="roller colours whose tuning shots are left out (comma-separated), "
                         "to validate on them with eval_roller3d.py --split tuning --colours")
    ap.add_argument("--keep-unseen", action="store_true",
                    help="train only on the training shots (benchset.detector_training_shot), "
                         "so the rest of tuning can calibrate and validate")
    ap.add_argument("--scenes2d", type=int, default=0,
                    help="add this many 2D scene frames (seeds far from the acceptance's)")
    ap.add_argument("--scenes2d-centre", choices=("seen", "whole"), default="seen",
                    help="the 2D frames' centre label: their visible pixels' centroid "
                         "(as committed) or the renderer's whole roller, ends too")
    ap.add_argument("--recolour", type=float, default=0.0,
                    help="share of crops whose roller alone is painted another colour")
    ap.add_argument("--room", type=_share, default=0.0,
                    help="share of 3D crops whose room (floor, mat, walls) takes another look")
    ap.add_argument("--wander", type=float, default=0.0,
                    help="share of crops moved off the torso (negatives: limbs, floor)")
    ap.add_argument("--channels", type=_channels, default=(16, 32, 64),
                    help="channels of the three levels, full resolution first (OpenCV's "
                         "DNN runs multiples of 8 fastest)")
    ap.add_argument("--separable", action="store_true",
                    help="depthwise-separable convolutions (a cheaper network)")
    ap.add_argument("--decoder", choices=("full", "lean", "mixed"), default="full",
                    help="lean: each decoder block a 1x1 then one 3x3; mixed: the "
                    "full-resolution block a 1x1 then two 3x3 (cheaper networks)")
    ap.add_argument("--teacher", type=Path, default=None,
                    help="an ONNX network (same outputs) whose probability maps the "
                    "network learns besides the truth: distillation")
    ap.add_argument("--distill", type=float, default=1.0,
                    help="the teacher's term's weight")
    ap.add_argument("--heads", action="store_true",
                    help="also predict the whole roller's centre and ends as heatmaps")
    ap.add_argument("--dilation", type=int, default=1,
                    help="dilation of the deepest block's second convolution")
    ap.add_argument("--head-weight", type=float, default=0.5,
                    help="the heatmaps' focal loss's weight against the mask's loss")
    ap.add_argument("--ema", type=float, default=0.0,
                    help="export an exponential moving average of the weights (and the "
                    "batch norms' statistics) with this decay per step, e.g. 0.998; "
                    "0: the last step's weights")
    return ap.parse_args()


def train(net: TinyUNet, frames: list[Any], rng: np.random.Generator,
          args: argparse.Namespace, t0: float) -> tuple[nn.Module, float]:
    """Adam with a one-cycle rate over ``args.steps`` batches: the network to export (with
    ``args.ema``, the weights' moving average: one seed's last step lands far from
    another's, and an average over the last few hundred steps is steadier) and the
    loss's running mean."""
    ema = None
    if args.ema:
        from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

        ema = AveragedModel(net, multi_avg_fn=get_ema_multi_avg_fn(args.ema),
                            use_buffers=True)
    teacher = None
    if args.teacher is not None:  # the network's outputs learned as well as the truth
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        teacher = ort.InferenceSession(str(args.teacher), options,
                                       providers=["CPUExecutionProvider"])
    opt = torch.optim.Adam(net.parameters(), lr=3e-3)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=args.steps)
    bce = nn.BCEWithLogitsLoss(pos_weight=torch.tensor(3.0))
    loss_avg = 0.0
    for step in range(args.steps):
        x, y, heat, hw = batch(frames, rng, args.batch, args.target == "whole",
                               args.desaturate, args.wander, args.recolour, args.room)
        out = net(x)
        logits = out[:, :1]
        p = torch.sigmoid(logits)
        dice = 1 - (2 * (p * y).sum() + 1) / (p.sum() + y.sum() + 1)
        loss = bce(logits, y) + dice
        if args.heads:
            loss = loss + args.head_weight * focal(out[:, 1:], heat, hw)
        if teacher is not None:  # squared gap of the probability maps, per image and map
            t = torch.sigmoid(torch.from_numpy(np.concatenate(  # exported for one image
                [teacher.run(None, {"rgb": x[i:i + 1].numpy()})[0] for i in range(len(x))])))
            gap = (torch.sigmoid(out) - t) ** 2
            loss = loss + args.distill * gap.sum() / (gap.shape[0] * gap.shape[1])
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if ema is not None:
            ema.update_parameters(net)
        loss_avg = 0.95 * loss_avg + 0.05 * float(loss.detach()) if step else float(loss.detach())
        if step % 50 == 0 or step == args.steps - 1:
            print(f"step {step} loss {loss_avg:.3f} {time.perf_counter() - t0:.0f} s",
                  flush=True)
    return (net if ema is None else ema.module), loss_avg


def export(net: nn.Module, args: argparse.Namespace, meta: dict[str, Any]) -> None:
    """The network to ONNX at ``args.out`` (its decoder's upsampling folded where it has
    one to fold: :mod:`fold_decoder`, the same function, cheaper; the unfolded file's
    sha256 kept), ``meta`` with its hash beside it (``.json``)."""
    net.eval()
    raw = args.out.with_name(args.out.name + ".unfolded")
    torch.onnx.export(net, (torch.zeros(1, 3, WORK_PX, WORK_PX),), str(raw),
                      input_names=["rgb"], output_names=["logits"], opset_version=13,
                      dynamo=False)
    unfolded = hashlib.sha256(raw.read_bytes()).hexdigest()
    try:
        onnx.save(fold(onnx.load(str(raw))), str(raw))
        meta = {**meta, "decoder_folded": True, "unfolded_sha256": unfolded}
    except ValueError:  # the lean, mixed and separable decoders have nothing to fold
        meta = {**meta, "decoder_folded": False}
    raw.replace(args.out)
    digest = hashlib.sha256(args.out.read_bytes()).hexdigest()
    meta = {"sha256": digest, "bytes": args.out.stat().st_size, **meta}
    args.out.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n")
    print(json.dumps(meta))


def main() -> None:
    args = parse_args()
    hold_out = frozenset(c for c in args.hold_out.split(",") if c)
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    t0 = time.perf_counter()
    frames = load_frames(args.set, hold_out, args.keep_unseen, args.shot_share, args.extra_set)
    n3d = len(frames)
    if args.scenes2d:
        for img, mask, truth in stream.masked_frames(args.scenes2d, SCENES2D_SEED):
            labels = np.where(mask, ROLLER_LABEL, 0).astype(np.uint8)
            frames.append((img, labels, roller_2d_truth(labels, truth,
                                                         args.scenes2d_centre == "whole")))
    print(f"{n3d} tuning frames and {len(frames) - n3d} 2D scene frames loaded in "
          f"{time.perf_counter() - t0:.0f} s", flush=True)
    net = TinyUNet(2 if args.heads else 0, args.dilation, args.channels, args.separable,
                   args.decoder)
    trained, loss_avg = train(net, frames, rng, args, t0)
    export(trained, args, {
        "seed": args.seed, "steps": args.steps, "batch": args.batch, "train_frames": n3d,
        "kept_unseen": args.keep_unseen, "scenes2d_frames": len(frames) - n3d,
        "scenes2d_seed": SCENES2D_SEED if args.scenes2d else None,
        "scenes2d_centre": args.scenes2d_centre, "wander": args.wander,
        "split": "tuning", "held_out_colours": sorted(hold_out), "target": args.target,
        "shot_share": args.shot_share,
        "extra_set": None if args.extra_set is None else args.extra_set.name,
        "desaturate": args.desaturate, "recolour": args.recolour,
        **({"room": args.room} if args.room else {}),
        "heads": ["centre", "ends"] if args.heads else [],
        "head_weight": args.head_weight if args.heads else None, "dilation": args.dilation,
        "channels": list(args.channels), "separable": args.separable, "decoder": args.decoder,
        "teacher": (None if args.teacher is None else
                    hashlib.sha256(args.teacher.read_bytes()).hexdigest()),
        "distill": args.distill if args.teacher is not None else None,
        **({"ema": args.ema} if args.ema else {}),
        "seconds": round(time.perf_counter() - t0), "final_loss": round(loss_avg, 4),
        "torch": torch.__version__})


if __name__ == "__main__":
    main()
