using CloudSeg.Onnx;

namespace CloudSeg.Inference;

/// <summary>What the part of the graph that only serves the mask output does.</summary>
/// <param name="PastesIntoImage">The masks are pasted into full-size images inside the graph (torchvision's export
/// loops over the detections with a Loop node).</param>
/// <param name="LowResolutionMasks">The [N,1,M,M] probabilities that enter the paste, when they can be told apart.</param>
public sealed record MaskOutputAnalysis(bool PastesIntoImage, string? LowResolutionMasks, string Reason);

/// <summary>
/// Graph surgery for torchvision exports: their last stage pastes every RoI mask into a full-size float image
/// (<c>paste_masks_in_image</c>: Pad the [N,1,28,28] probabilities by one pixel, then a Loop that resizes and places each
/// one), which costs N×H×W floats and time for masks we may then drop. This finds the [N,1,M,M] probabilities that enter
/// that Pad, makes them the graph's mask output and removes the paste subgraph; the segmenter pastes the kept masks itself.
/// </summary>
public static class MaskPasteCut
{
    public static MaskOutputAnalysis Analyse(GraphProto graph, string masksOutput)
    {
        var producers = graph.ProducersByOutput();
        var otherOutputs = graph.Output.Where(o => o.Name != masksOutput).Select(o => o.Name);
        var maskOnlyTensors = producers.AncestorTensors([masksOutput]);
        maskOnlyTensors.ExceptWith(producers.AncestorTensors(otherOutputs));
        var maskOnlyNodes = graph.Node.Where(n => n.Output.Any(maskOnlyTensors.Contains)).ToList();
        // A mask output declared with a fixed height and width holds RoI masks, whatever loops computed them.
        var declared = graph.Output.First(o => o.Name == masksOutput).Type?.TensorType?.Shape?.Dim;
        var fixedSize = declared is { Count: 4 } && declared[2].DimValue > 0 && declared[3].DimValue > 0;
        var pastes = !fixedSize && maskOnlyNodes.Any(n => n.OpType == "Loop");

        var candidates = maskOnlyNodes
            .Where(n => n.OpType == "Pad")
            .Select(n => n.Input[0])
            .Where(input => maskOnlyTensors.Contains(input) && HasSigmoidAncestor(producers, input, maskOnlyTensors))
            .Distinct()
            .ToList();
        return candidates.Count switch
        {
            1 when pastes => new MaskOutputAnalysis(true, candidates[0], ""),
            _ when !pastes => new MaskOutputAnalysis(false, null, "the graph does not paste masks"),
            0 => new MaskOutputAnalysis(true, null, "no Pad of sigmoid mask probabilities feeds the paste"),
            _ => new MaskOutputAnalysis(true, null, $"{candidates.Count} candidate mask tensors ({string.Join(", ", candidates)})"),
        };
    }

    /// <summary>Makes <paramref name="lowResolutionMasks"/> the graph's mask output in place of
    /// <paramref name="masksOutput"/> and removes what only the old output needed.</summary>
    public static void Cut(GraphProto graph, string masksOutput, string lowResolutionMasks)
    {
        var index = graph.Output.Select(o => o.Name).ToList().IndexOf(masksOutput);
        graph.Output[index] = GraphEditing.TensorValueInfo(lowResolutionMasks, TensorProto.Types.DataType.Float, null, null, null, null);
        graph.PruneUnusedNodes();
    }

    /// <summary>True when a Sigmoid inside the mask-only part of the graph produces (through any ops) this tensor.</summary>
    private static bool HasSigmoidAncestor(Dictionary<string, NodeProto> producers, string tensor, HashSet<string> region)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([tensor]);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            if (!region.Contains(current) || !seen.Add(current) || !producers.TryGetValue(current, out var node)) continue;
            if (node.OpType == "Sigmoid") return true;
            foreach (var input in node.Input) pending.Push(input);
        }
        return false;
    }
}
