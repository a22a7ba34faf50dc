using CloudSeg.Onnx;

namespace CloudSeg.Inference;

/// <summary>
/// Graph surgery for torchvision exports: their last stage pastes every RoI mask into a full-size float image
/// (<c>paste_masks_in_image</c>: Pad the [N,1,28,28] probabilities by one pixel, then a Loop that resizes and places each
/// one), which costs N×H×W floats and time for masks we may then drop. This finds the [N,1,M,M] probabilities that enter
/// that Pad, makes them the graph's mask output and removes the paste subgraph; the segmenter pastes the kept masks itself.
/// </summary>
public static class MaskPasteCut
{
    /// <summary>Cuts the graph in place and returns the new mask output's name, or null (graph untouched) with the reason.</summary>
    public static string? TryCut(GraphProto graph, string masksOutput, out string reason)
    {
        var producers = graph.ProducersByOutput();
        var otherOutputs = graph.Output.Where(o => o.Name != masksOutput).Select(o => o.Name);
        var sharedTensors = Ancestors(producers, otherOutputs);
        var maskOnlyTensors = Ancestors(producers, [masksOutput]);
        maskOnlyTensors.ExceptWith(sharedTensors);

        var candidates = graph.Node
            .Where(n => n.OpType == "Pad" && n.Output.Any(maskOnlyTensors.Contains))
            .Select(n => n.Input[0])
            .Where(input => maskOnlyTensors.Contains(input) && HasSigmoidAncestor(producers, input, maskOnlyTensors))
            .Distinct()
            .ToList();
        if (candidates.Count != 1)
        {
            reason = candidates.Count == 0
                ? "no Pad of sigmoid mask probabilities feeds the mask output"
                : $"{candidates.Count} candidate mask tensors ({string.Join(", ", candidates)})";
            return null;
        }

        var lowRes = candidates[0];
        var index = graph.Output.Select(o => o.Name).ToList().IndexOf(masksOutput);
        graph.Output[index] = GraphEditing.TensorValueInfo(lowRes, TensorProto.Types.DataType.Float, null, null, null, null);
        graph.PruneUnusedNodes();
        reason = "";
        return lowRes;
    }

    private static HashSet<string> Ancestors(Dictionary<string, NodeProto> producers, IEnumerable<string> starts)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>(starts);
        while (pending.Count > 0)
        {
            var tensor = pending.Pop();
            if (tensor.Length == 0 || !seen.Add(tensor) || !producers.TryGetValue(tensor, out var node)) continue;
            foreach (var input in node.Input) pending.Push(input);
        }
        return seen;
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
