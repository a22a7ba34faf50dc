using CloudSeg.Core.Geometry;
using CloudSeg.ModelCards;
using Microsoft.ML.OnnxRuntime;

namespace CloudSeg.Inference;

/// <summary>
/// Turns a YOLO-seg export's raw outputs into instances: each of the N candidates takes its best class score (already
/// sigmoided, no objectness), candidates under the threshold go, class-aware NMS at IoU 0.7 keeps at most 300, and each
/// kept one's mask is sigmoid(coefficients · prototypes) cropped to its box (<see cref="PrototypeMaskAssembly"/>).
/// </summary>
internal sealed class YoloSegDecoder(ModelCard card, YoloSegContract contract)
{
    public IReadOnlyList<SegmentedInstance> Decode(OrtValue detectionsValue, OrtValue prototypesValue, Letterbox letterbox,
        float scoreThreshold, float maskThreshold, CancellationToken ct)
    {
        var shape = detectionsValue.GetTensorTypeAndShape().Shape;
        var rows = 4 + contract.ClassCount + contract.PrototypeCount;
        if (shape is not [1, var r, var n] || r != rows)
            throw new InvalidDataException($"Expected detections [1,{rows},N], got [{string.Join(",", shape)}].");
        var protoShape = prototypesValue.GetTensorTypeAndShape().Shape;
        if (protoShape is not [1, var k, var ph, var pw] || k != contract.PrototypeCount)
            throw new InvalidDataException($"Expected prototypes [1,{contract.PrototypeCount},h,w], got [{string.Join(",", protoShape)}].");

        var anchors = (int)n;
        var detections = detectionsValue.GetTensorDataAsSpan<float>();
        // Row-major [rows, N]: value j of candidate i is at j * N + i.
        var boxes = new List<BoxF>();
        var scores = new List<float>();
        var classes = new List<int>();
        var candidates = new List<int>();
        for (var i = 0; i < anchors; i++)
        {
            var best = 0;
            var bestScore = float.NegativeInfinity;
            for (var c = 0; c < contract.ClassCount; c++)
            {
                var s = detections[(4 + c) * anchors + i];
                if (s > bestScore) (best, bestScore) = (c, s);
            }
            if (!(bestScore >= scoreThreshold)) continue;
            float cx = detections[i], cy = detections[anchors + i], w = detections[2 * anchors + i], h = detections[3 * anchors + i];
            boxes.Add(new BoxF(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2));
            scores.Add(bestScore);
            classes.Add(best);
            candidates.Add(i);
        }
        var kept = NonMaxSuppression.BatchedApply(boxes, scores, [.. classes], YoloSegSegmenter.NmsIouThreshold);

        var prototypes = prototypesValue.GetTensorDataAsSpan<float>();
        int protoHeight = (int)ph, protoWidth = (int)pw;
        // Image pixel → input pixel (x / scale + left) → prototype cell (· prototype side / input side).
        double cellsX = (double)protoWidth / contract.InputSide, cellsY = (double)protoHeight / contract.InputSide;
        var toPrototype = (cellsX / letterbox.ScaleX, letterbox.Left * cellsX, cellsY / letterbox.ScaleY, letterbox.Top * cellsY);
        var coefficients = new float[contract.PrototypeCount];
        var instances = new List<SegmentedInstance>(Math.Min(kept.Length, YoloSegSegmenter.MaxDetections));
        foreach (var index in kept.Take(YoloSegSegmenter.MaxDetections))
        {
            ct.ThrowIfCancellationRequested();
            var candidate = candidates[index];
            for (var j = 0; j < coefficients.Length; j++)
                coefficients[j] = detections[(4 + contract.ClassCount + j) * anchors + candidate];
            var b = boxes[index];
            var box = letterbox.ToImage(b.X1, b.Y1, b.X2, b.Y2);
            var mask = PrototypeMaskAssembly.Assemble(prototypes, protoHeight, protoWidth, coefficients, box, toPrototype,
                letterbox.ImageWidth, letterbox.ImageHeight, maskThreshold);
            var label = classes[index] + 1;
            instances.Add(new SegmentedInstance(label, card.ClassName(label), scores[index], null, box, mask));
        }
        return instances;
    }
}
