#!/usr/bin/env python3
"""Export torchvision's COCO-pretrained Mask R-CNN as a CloudSeg model package.

Run this where you have the internet (torchvision downloads the weights once into ~/.cache/torch), or offline with a
weights file you downloaded yourself (--weights-file). Needs PyTorch and torchvision (tested with torch 1.13 +
torchvision 0.14, Debian's python3-torch/python3-torchvision; newer versions work the same way).

    python3 tools/export_torchvision_coco.py --out coco-maskrcnn-v2 --variant v2
    python3 tools/export_torchvision_coco.py --out coco-maskrcnn --variant v1 --safetensors

It writes a folder the CloudSeg segmenter loads as is (format "torchvision", see docs/model-format.md):

    model.onnx           the whole torchvision model: resize + normalise + backbone + RPN + RoI heads + mask paste,
                         input "image" float32 [3, H, W] RGB in 0..1 (any H, W), outputs "boxes" [N,4] (x1,y1,x2,y2
                         in input pixels), "labels" [N] int64, "scores" [N], "masks" [N,1,H,W] probabilities
    model.card.json      format, name, version, the 91 COCO category names (index 0 = background, "N/A" for ids
                         COCO never used, so label ids equal COCO category ids), thresholds, torchvision's published
                         COCO val2017 AP
    model.safetensors    (with --safetensors) the state dict by torchvision parameter name, for fine-tuning: the
                         TorchSharp trainer imports safetensors by parameter name

Then register and promote it: see docs/deploy.md ("Bring COCO-pretrained weights").

--weights none exports the same architecture with random weights: a quick, offline check that the export path works.
"""
import argparse
import json
import os
import sys
import time

import torch
import torchvision
from safetensors_writer import save_file  # beside this script
from torchvision.models.detection import (
    MaskRCNN_ResNet50_FPN_V2_Weights,
    MaskRCNN_ResNet50_FPN_Weights,
    maskrcnn_resnet50_fpn,
    maskrcnn_resnet50_fpn_v2,
)

VARIANTS = {
    # v1: He et al. 2017 as in torchvision (box AP 37.9, mask AP 34.6); v2: the improved recipe (47.4 / 41.8).
    "v1": (maskrcnn_resnet50_fpn, MaskRCNN_ResNet50_FPN_Weights.COCO_V1),
    "v2": (maskrcnn_resnet50_fpn_v2, MaskRCNN_ResNet50_FPN_V2_Weights.COCO_V1),
}
OUTPUT_NAMES = ["boxes", "labels", "scores", "masks"]


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog=__doc__.split("\n\n", 1)[1])
    p.add_argument("--out", required=True, help="output folder (created)")
    p.add_argument("--variant", choices=sorted(VARIANTS), default="v2", help="maskrcnn_resnet50_fpn (v1) or _v2 (default)")
    p.add_argument("--weights", choices=["coco", "none"], default="coco",
                   help="coco: torchvision's COCO_V1 weights (downloaded unless --weights-file); none: random weights")
    p.add_argument("--weights-file", help="a .pth state dict downloaded beforehand (torchvision's URL is printed)")
    p.add_argument("--opset", type=int, default=11, help="ONNX opset (>= 11; default 11)")
    p.add_argument("--min-size", type=int, default=800, help="shorter side the graph resizes to (torchvision: 800)")
    p.add_argument("--max-size", type=int, default=1333, help="longer side limit (torchvision: 1333)")
    p.add_argument("--score-threshold", type=float, default=0.5,
                   help="score below which the segmenter drops instances (model card; default 0.5)")
    p.add_argument("--graph-score-threshold", type=float, default=0.05,
                   help="box_score_thresh baked into the graph (torchvision: 0.05); keep it low, the card filters")
    p.add_argument("--detections", type=int, default=100, help="most instances per image (torchvision: 100)")
    p.add_argument("--example-size", type=int, nargs=2, default=[480, 640], metavar=("H", "W"),
                   help="size of the example image used to trace the graph (H W)")
    p.add_argument("--safetensors", action="store_true", help="also write model.safetensors (the state dict)")
    args = p.parse_args(argv)
    if args.opset < 11:
        p.error("--opset must be 11 or higher (Mask R-CNN needs RoiAlign and dynamic Resize)")
    if args.weights_file and args.weights != "coco":
        p.error("--weights-file only goes with --weights coco")
    return args


def build_model(args):
    build, weights = VARIANTS[args.variant]
    common = dict(min_size=args.min_size, max_size=args.max_size, box_score_thresh=args.graph_score_threshold,
                  box_detections_per_img=args.detections)
    if args.weights == "none":
        # weights_backbone=None too: otherwise torchvision would fetch the ImageNet backbone.
        model = build(weights=None, weights_backbone=None, num_classes=len(weights.meta["categories"]), **common)
    elif args.weights_file:
        model = build(weights=None, weights_backbone=None, num_classes=len(weights.meta["categories"]), **common)
        state = torch.load(args.weights_file, map_location="cpu")
        model.load_state_dict(state)
    else:
        print(f"weights: {weights.url}", file=sys.stderr)
        model = build(weights=weights, **common)
    return model.eval(), weights


def export_onnx(model, args, path):
    h, w = args.example_size
    torch.manual_seed(0)
    example = torch.rand(3, h, w)
    dynamic_axes = {
        "image": {1: "height", 2: "width"},
        "boxes": {0: "detections"},
        "labels": {0: "detections"},
        "scores": {0: "detections"},
        "masks": {0: "detections", 2: "height", 3: "width"},
    }
    with torch.no_grad():
        torch.onnx.export(model, ([example],), path, opset_version=args.opset, input_names=["image"],
                          output_names=OUTPUT_NAMES, dynamic_axes=dynamic_axes, do_constant_folding=True)
        eager = model([example])[0]
    return example, eager


def check_with_onnxruntime(path, example, eager):
    """Runs the exported graph on the example and on a differently shaped image when onnxruntime is installed."""
    try:
        import onnxruntime
    except ImportError:
        print("check: onnxruntime not installed, skipped (pip install onnxruntime to compare with PyTorch)")
        return
    session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    boxes, labels, scores, masks = session.run(OUTPUT_NAMES, {"image": example.numpy()})
    same = len(scores) == len(eager["scores"]) and (
        len(scores) == 0 or float(abs(torch.from_numpy(boxes) - eager["boxes"]).max()) < 1e-2)
    print(f"check: onnxruntime {len(scores)} instances, PyTorch {len(eager['scores'])}; boxes agree: {same}")
    other = torch.rand(3, example.shape[2], example.shape[1])  # transposed size: proves H and W are dynamic
    masks = session.run(["masks"], {"image": other.numpy()})[0]
    print(f"check: a {other.shape[1]}x{other.shape[2]} image gives masks of shape {list(masks.shape)}")


def write_card(args, weights, folder):
    metrics = weights.meta.get("_metrics", {}).get("COCO-val2017", {}) if args.weights == "coco" else {}
    card = {
        "format": "torchvision",
        "name": f"maskrcnn_resnet50_fpn{'_v2' if args.variant == 'v2' else ''}_coco",
        "version": f"torchvision-{torchvision.__version__.split('+')[0]}-{args.variant}"
                   + ("" if args.weights == "coco" else "-random"),
        # torchvision's list: index = COCO category id, 0 = background, "N/A" for the 11 ids COCO does not use.
        "classes": list(weights.meta["categories"]),
        "input": {"layout": "CHW", "color": "RGB", "range": [0, 1], "resize": "inside the graph",
                  "min_size": args.min_size, "max_size": args.max_size},
        "score_threshold": args.score_threshold,
        "mask_threshold": 0.5,
        "metrics": {"bbox": {"AP": metrics["box_map"]}, "segm": {"AP": metrics["mask_map"]},
                    "dataset": "COCO val2017 (torchvision's published AP; the other AP columns were not published)"}
                   if metrics else {},
        "training": {
            "note": "COCO train2017 weights from torchvision" if args.weights == "coco"
                    else "random weights (export check only)",
            "weights": weights.url if args.weights == "coco" else None,
            "code_version": "tools/export_torchvision_coco.py",
            "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "torch": torch.__version__,
            "torchvision": torchvision.__version__,
            "opset": args.opset,
        },
    }
    with open(os.path.join(folder, "model.card.json"), "w") as f:
        json.dump(card, f, indent=2)
    return card


def write_safetensors(model, path):
    """The state dict in the safetensors layout (see safetensors_writer.py), so no extra package is needed."""
    if sys.byteorder != "little":
        sys.exit("--safetensors writes the machine's bytes, which must be little-endian")
    state = model.state_dict()
    save_file({name: state[name] for name in sorted(state)}, path, metadata={"format": "pt", "source": "torchvision"})


def main(argv=None):
    args = parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    model, weights = build_model(args)
    onnx_path = os.path.join(args.out, "model.onnx")
    started = time.time()
    example, eager = export_onnx(model, args, onnx_path)
    print(f"wrote {onnx_path} ({os.path.getsize(onnx_path) / 1e6:.1f} MB, opset {args.opset}, "
          f"{time.time() - started:.0f} s)")
    card = write_card(args, weights, args.out)
    print(f"wrote {os.path.join(args.out, 'model.card.json')} ({card['name']} {card['version']}, "
          f"{len(card['classes'])} classes)")
    if args.safetensors:
        path = os.path.join(args.out, "model.safetensors")
        write_safetensors(model, path)
        print(f"wrote {path} ({len(model.state_dict())} tensors, {os.path.getsize(path) / 1e6:.1f} MB)")
    check_with_onnxruntime(onnx_path, example, eager)


if __name__ == "__main__":
    main()
