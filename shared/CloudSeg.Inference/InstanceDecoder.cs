using CloudSeg.Core.Geometry;
using CloudSeg.Core.Masks;
using CloudSeg.ModelCards;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace CloudSeg.Inference;

internal readonly record struct DecodeThresholds(float Score, float Mask, bool UseMaskIouRescoring);

/// <summary>Turns the graph's outputs into instances in upright-image pixels: maps boxes back through the input
/// geometry, rescores, filters, and makes each kept mask an RLE (pasting low-resolution masks into their box).</summary>
internal sealed class InstanceDecoder(ModelCard card, OutputRoles roles, bool masksArePasted)
{
    public bool MasksArePasted { get; } = masksArePasted;

    // Read once, so a card naming an unknown paste fails when the model loads, not on its first detection.
    private readonly MaskPasteMode _pasteMode = card.MaskPasteMode();

    public IReadOnlyList<SegmentedInstance> Decode(IReadOnlyList<OrtValue> outputs, InputGeometry geometry, DecodeThresholds thresholds, CancellationToken ct)
    {
        // Outputs come back in the order of roles.Names.
        var boxes = outputs[0].GetTensorDataAsSpan<float>();
        var labels = ReadLabels(outputs[1]);
        var scores = outputs[2].GetTensorDataAsSpan<float>();
        var masks = outputs[3];
        var maskIou = roles.MaskIou is null ? default : outputs[4].GetTensorDataAsSpan<float>();
        var count = scores.Length;
        if (boxes.Length != count * 4 || labels.Length != count || (roles.MaskIou is not null && maskIou.Length != count))
            throw new InvalidDataException($"Model outputs disagree on the number of detections: {boxes.Length / 4} boxes, {labels.Length} labels, {count} scores.");

        var maskShape = masks.GetTensorTypeAndShape().Shape;
        if (maskShape.Length != 4 || maskShape[0] != count || maskShape[1] != 1)
            throw new InvalidDataException($"Expected masks [{count},1,h,w], got [{string.Join(",", maskShape)}].");

        var kept = new List<(int Index, float Score, BoxF Box)>(count);
        for (var i = 0; i < count; i++)
        {
            var score = scores[i];
            if (roles.MaskIou is not null && thresholds.UseMaskIouRescoring)
                score *= maskIou[i];
            if (score < thresholds.Score) continue;
            kept.Add((i, score, ToImageBox(boxes.Slice(i * 4, 4), geometry)));
        }
        // Rescoring can change the order; keep the best first as every consumer expects.
        kept.Sort((a, b) => b.Score.CompareTo(a.Score));

        var probabilities = masks.GetTensorDataAsSpan<float>();
        int maskHeight = (int)maskShape[2], maskWidth = (int)maskShape[3];
        var instances = new List<SegmentedInstance>(kept.Count);
        foreach (var (index, score, box) in kept)
        {
            ct.ThrowIfCancellationRequested();
            var probs = probabilities.Slice(index * maskHeight * maskWidth, maskHeight * maskWidth);
            var mask = MasksArePasted
                ? FullSizeMask.ToRle(probs, maskHeight, maskWidth, geometry, thresholds.Mask)
                : PasteLowResolution(probs, maskHeight, maskWidth, box, geometry, thresholds.Mask, _pasteMode);
            var label = (int)labels[index];
            instances.Add(new SegmentedInstance(label, card.ClassName(label), score,
                roles.MaskIou is null ? null : maskIou[index], box, mask));
        }
        return instances;
    }

    private static RleMask PasteLowResolution(ReadOnlySpan<float> probs, int height, int width, BoxF box, InputGeometry geometry,
        float threshold, MaskPasteMode mode)
    {
        if (height != width)
            throw new InvalidDataException($"Expected square low-resolution masks, got {height}x{width}.");
        return MaskPaster.Paste(probs, height, box, geometry.ImageHeight, geometry.ImageWidth, threshold, mode);
    }

    /// <summary>Graph boxes are in tensor pixels of the resized image; divide the resize out and clip to the image
    /// (padding added for elongated images can hold boxes that leave it).</summary>
    private static BoxF ToImageBox(ReadOnlySpan<float> box, InputGeometry geometry)
    {
        var raw = new BoxF(box[0], box[1], box[2], box[3]);
        return geometry.IsIdentity
            ? raw
            : raw.Scale((float)geometry.ImageWidth / geometry.ResizedWidth, (float)geometry.ImageHeight / geometry.ResizedHeight).ClipTo(geometry.ImageWidth, geometry.ImageHeight);
    }

    private static long[] ReadLabels(OrtValue labels) =>
        labels.GetTensorTypeAndShape().ElementDataType switch
        {
            TensorElementType.Int64 => labels.GetTensorDataAsSpan<long>().ToArray(),
            TensorElementType.Int32 => labels.GetTensorDataAsSpan<int>().ToArray().Select(l => (long)l).ToArray(),
            var type => throw new InvalidDataException($"Labels must be integers, got {type}."),
        };
}
