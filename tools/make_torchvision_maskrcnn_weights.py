#!/usr/bin/env python3
"""Writes a seeded random-weights torchvision maskrcnn_resnet50_fpn state dict named as torchvision names its files,
and torchvision eager's detections with it, for the `cloudseg models pull` test (no internet, no 170 MB fixture: the
test runs this script into a temporary folder).

  maskrcnn_resnet50_fpn_random-<sha256[:8]>.pth   torch.save(state_dict), legacy serialisation like torchvision's
                                                  published v1 file
  expected.safetensors   image [3, H, W] in [0, 1]; boxes [N, 4]; labels [N]; scores [N]; masks [N, 1, 28, 28]
                         (the mask head's probabilities of the predicted class, before pasting)

Weights are re-drawn with a wide spread: torchvision's own initialisation gives every class the same score.
Needs Debian's python3-torchvision. Run: /usr/bin/python3 tools/make_torchvision_maskrcnn_weights.py OUT_DIR
"""
import hashlib
import os
import sys

import torch
from torchvision.models.detection import MaskRCNN, roi_heads
from torchvision.models.detection.backbone_utils import _resnet_fpn_extractor
from torchvision.models.resnet import resnet50
from torchvision.ops.misc import FrozenBatchNorm2d

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "tests", "fixtures", "export"))
from safetensors_writer import save_file  # noqa: E402
# The same wide-spread redraw as the tiny fixtures (one home for it).
from make_tiny_maskrcnn_fixture import redraw_weights  # noqa: E402


def main(out):
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(15)
    # maskrcnn_resnet50_fpn as it is built for its COCO weights (frozen batch norm, 91 classes), minus the download.
    model = MaskRCNN(_resnet_fpn_extractor(resnet50(norm_layer=FrozenBatchNorm2d), 3), num_classes=91).eval()
    redraw_weights(model)
    path = os.path.join(out, "weights.pth")
    torch.save(model.state_dict(), path, _use_new_zipfile_serialization=False)
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    os.replace(path, os.path.join(out, f"maskrcnn_resnet50_fpn_random-{digest[:8]}.pth"))

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
    main(sys.argv[1])
