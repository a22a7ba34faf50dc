#!/usr/bin/env python3
"""Writes a seeded random-weights torchvision maskrcnn_resnet50_fpn (v1) or maskrcnn_resnet50_fpn_v2 state dict named
as torchvision names its files, and torchvision eager's detections with it, for the `cloudseg models pull` tests (no
internet, no 170 MB fixture: the tests run this script into a temporary folder).

  maskrcnn_resnet50_fpn_random-<sha256[:8]>.pth      v1: torch.save(state_dict), legacy serialisation like
                                                     torchvision's published v1 file
  maskrcnn_resnet50_fpn_v2_random-<sha256[:8]>.pth   v2: torch.save's zip serialisation (PyTorch >= 1.6, as the
                                                     2022 v2 file); batch norm everywhere, with num_batches_tracked
  expected.safetensors   image [3, H, W] in [0, 1]; boxes [N, 4]; labels [N]; scores [N]; masks [N, 1, 28, 28]
                         (the mask head's probabilities of the predicted class, before pasting)

Weights are re-drawn with a wide spread: torchvision's own initialisation gives every class the same score.
Needs Debian's python3-torchvision. Run: /usr/bin/python3 tools/make_torchvision_maskrcnn_weights.py OUT_DIR [v1|v2]
"""
import hashlib
import os
import sys

import torch
from torchvision.models.detection import MaskRCNN, maskrcnn_resnet50_fpn_v2, roi_heads
from torchvision.models.detection.backbone_utils import _resnet_fpn_extractor
from torchvision.models.resnet import resnet50
from torchvision.ops.misc import FrozenBatchNorm2d

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "tests", "fixtures", "export"))
from safetensors_writer import save_file  # noqa: E402
# The same wide-spread redraw as the tiny fixtures (one home for it).
from make_tiny_maskrcnn_fixture import redraw_weights  # noqa: E402


def build(variant):
    if variant == "v2":
        # torchvision's own builder without weights: batch norm in the trunk, FPN and heads, two-conv RPN head,
        # four-conv box head (FastRCNNConvFCHead), 91 classes.
        return "maskrcnn_resnet50_fpn_v2", maskrcnn_resnet50_fpn_v2(weights=None, weights_backbone=None, num_classes=91)
    # maskrcnn_resnet50_fpn as it is built for its COCO weights (frozen batch norm, 91 classes), minus the download.
    return "maskrcnn_resnet50_fpn", MaskRCNN(_resnet_fpn_extractor(resnet50(norm_layer=FrozenBatchNorm2d), 3), num_classes=91)


def main(out, variant):
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(15)
    name, model = build(variant)
    model.eval()
    redraw_weights(model)
    if variant == "v2":
        # v2's batch norms keep the heads' features near unit scale, so the redrawn predictors would give logits near 0:
        # every class at 1/91 (below the 0.05 score threshold) and every mask pixel at 0.5. Spread them out.
        with torch.no_grad():
            model.roi_heads.box_predictor.cls_score.weight.mul_(16)
            model.roi_heads.mask_predictor.mask_fcn_logits.weight.mul_(8)
    path = os.path.join(out, "weights.pth")
    torch.save(model.state_dict(), path, _use_new_zipfile_serialization=variant == "v2")
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    os.replace(path, os.path.join(out, f"{name}_random-{digest[:8]}.pth"))

    # The low-resolution mask probabilities before pasting, as our graph outputs them.
    captured = {}
    original = roi_heads.maskrcnn_inference

    def capture(x, labels):
        probs = original(x, labels)
        captured["masks"] = torch.cat(probs) if probs else torch.zeros(0, 1, 28, 28)
        return probs

    roi_heads.maskrcnn_inference = capture
    coarse = torch.rand(1, 3, 30, 40)
    image = torch.nn.functional.interpolate(coarse, size=(240, 320), mode="bilinear", align_corners=False)[0].clamp(0, 1)
    with torch.no_grad():
        result = model([image])[0]
    save_file({"image": image, "boxes": result["boxes"], "labels": result["labels"], "scores": result["scores"],
               "masks": captured["masks"]}, os.path.join(out, "expected.safetensors"))
    print(f"{len(result['scores'])} detections")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "v1")
