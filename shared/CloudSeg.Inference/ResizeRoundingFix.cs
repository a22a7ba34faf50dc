using CloudSeg.Onnx;

namespace CloudSeg.Inference;

/// <summary>
/// Graph surgery for torchvision exports: torchvision picks the resized image size as
/// <c>floor(side × scale)</c> with <c>scale</c> a float32 tensor and the product taken in double (<c>scale.item()</c> is a
/// Python float), but its ONNX export takes the product in float32. For many sizes the two disagree by one pixel
/// (e.g. 400×120 becomes 512 columns instead of 511), which shifts every detection a little. This computes the product
/// in double. The scale itself stays as exported: PyTorch evaluates <c>min_size / short_side</c> with a tensor divisor as
/// <c>Reciprocal(short_side) × min_size</c>, exactly what the graph holds (a 240 px side scales to 800 rows, not 799).
/// </summary>
public static class ResizeRoundingFix
{
    private const int FloatType = (int)TensorProto.Types.DataType.Float;
    private const int DoubleType = (int)TensorProto.Types.DataType.Double;

    /// <summary>Edits the graph in place; returns how many Floor(side × scale) computations were rewritten (0: graph untouched).</summary>
    public static int Apply(GraphProto graph)
    {
        var producers = graph.ProducersByOutput();
        var consumers = graph.ConsumersByInput();
        var plans = new List<SizeProduct>();
        foreach (var resize in graph.Node.Where(n => n.OpType == "Resize" && n.Input.Count == 4 && n.Input[3].Length > 0))
            // Shapes are where the image's size enters; nothing behind them matters here.
            foreach (var floor in producers.AncestorTensors([resize.Input[3]], stopAt: n => n.OpType == "Shape")
                         .Select(t => producers.GetValueOrDefault(t)).OfType<NodeProto>().Distinct().Where(n => n.OpType == "Floor"))
                if (SizeProduct.Match(floor, producers) is { } plan)
                    plans.Add(plan);
                else
                    return 0;
        if (plans.Count == 0)
            return 0;

        // Only rewrite when every reader of the re-typed tensors is part of the size computation; otherwise a float
        // consumer elsewhere would receive a double.
        var retyped = plans.SelectMany(p => new[] { p.SideCast, p.ScaleCast, p.ProductCast }).Distinct().ToList();
        var allowedReaders = plans.SelectMany(p => new[] { p.Product, p.Floor, p.ProductCast }).ToHashSet(ReferenceEqualityComparer.Instance);
        if (retyped.Any(cast => consumers.GetValueOrDefault(cast.Output[0], []).Any(reader => !allowedReaders.Contains(reader))))
            return 0;
        if (!FloorsFeedOnlyIntegerCasts(plans, producers, consumers))
            return 0;

        foreach (var cast in retyped)
            cast.Attribute.Single(a => a.Name == "to").I = DoubleType;
        return plans.Count;
    }

    /// <summary>Floor(Cast<float>(Mul(Cast<float>(side), Cast<float>(scale)))).</summary>
    private sealed record SizeProduct(NodeProto Floor, NodeProto ProductCast, NodeProto Product, NodeProto SideCast, NodeProto ScaleCast)
    {
        public static SizeProduct? Match(NodeProto floor, Dictionary<string, NodeProto> producers)
        {
            if (Producer(producers, floor.Input[0]) is not { OpType: "Cast" } productCast || !CastsTo(productCast, FloatType)) return null;
            if (Producer(producers, productCast.Input[0]) is not { OpType: "Mul" } product) return null;
            var casts = product.Input.Select(i => Producer(producers, i)).ToList();
            if (casts.Count != 2 || casts.Any(c => c is not { OpType: "Cast" } || !CastsTo(c, FloatType))) return null;
            // The side comes from the image's Shape (int64); the scale is already float.
            var sideFirst = Producer(producers, casts[0]!.Input[0]) is { OpType: "Gather" };
            return sideFirst
                ? new SizeProduct(floor, productCast, product, casts[0]!, casts[1]!)
                : new SizeProduct(floor, productCast, product, casts[1]!, casts[0]!);
        }
    }

    /// <summary>The Floors' double results must only travel through shape-agnostic ops into a Cast to an integer type.</summary>
    private static bool FloorsFeedOnlyIntegerCasts(List<SizeProduct> plans, Dictionary<string, NodeProto> producers, Dictionary<string, List<NodeProto>> consumers)
    {
        var pending = new Stack<string>(plans.Select(p => p.Floor.Output[0]));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (pending.Count > 0)
        {
            var tensor = pending.Pop();
            if (!seen.Add(tensor)) continue;
            foreach (var reader in consumers.GetValueOrDefault(tensor, []))
            {
                if (reader.OpType == "Cast" && !CastsTo(reader, FloatType) && !CastsTo(reader, DoubleType)) continue;
                if (reader.OpType is not ("Unsqueeze" or "Concat")) return false;
                // A Concat must not mix in float inputs that are not rewritten sizes.
                if (reader.OpType == "Concat" && reader.Input.Any(i => !IsRewrittenSize(i, plans, producers))) return false;
                pending.Push(reader.Output[0]);
            }
        }
        return true;
    }

    private static bool IsRewrittenSize(string tensor, List<SizeProduct> plans, Dictionary<string, NodeProto> producers)
    {
        for (var node = Producer(producers, tensor); node is not null; node = node.OpType == "Unsqueeze" ? Producer(producers, node.Input[0]) : null)
            if (plans.Any(p => ReferenceEquals(p.Floor, node)))
                return true;
        return false;
    }

    private static NodeProto? Producer(Dictionary<string, NodeProto> producers, string tensor) =>
        producers.GetValueOrDefault(tensor);

    private static bool CastsTo(NodeProto cast, int type) => cast.Attribute.Any(a => a.Name == "to" && a.I == type);
}
