using System.Text.Json;

namespace CloudSeg.Inference;

/// <summary>One operator type's share of the model's time in an ONNX Runtime profile.</summary>
public sealed record OperatorTime(string OpType, double TotalMs, int Calls, double Share);

/// <summary>Reads ONNX Runtime's profile (Chrome trace JSON: one "Node" event per operator run, "dur" in µs) and sums
/// the kernel times per operator type, largest first.</summary>
public static class OperatorProfile
{
    public static IReadOnlyList<OperatorTime> Read(string path)
    {
        using var stream = File.OpenRead(path);
        using var document = JsonDocument.Parse(stream);
        var totals = new Dictionary<string, (double Us, int Calls)>(StringComparer.Ordinal);
        foreach (var item in document.RootElement.EnumerateArray())
        {
            if (item.GetProperty("cat").GetString() != "Node"
                || !item.GetProperty("name").GetString()!.EndsWith("_kernel_time", StringComparison.Ordinal)
                || !item.TryGetProperty("args", out var args) || !args.TryGetProperty("op_name", out var op))
                continue;
            var name = op.GetString()!;
            var (us, calls) = totals.GetValueOrDefault(name);
            totals[name] = (us + item.GetProperty("dur").GetDouble(), calls + 1);
        }
        var all = totals.Values.Sum(t => t.Us);
        return totals.Select(t => new OperatorTime(t.Key, t.Value.Us / 1000, t.Value.Calls, all > 0 ? t.Value.Us / all : 0))
            .OrderByDescending(t => t.TotalMs)
            .ToList();
    }
}
