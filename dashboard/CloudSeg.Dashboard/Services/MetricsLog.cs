using System.Text.Json;

namespace CloudSeg.Dashboard.Services;

/// <summary>
/// A training metrics log: JSON lines, one object per logged step. The x axis is the first of "step", "iteration",
/// "iter" or "epoch" a line has (else its line number); every numeric field whose name contains "loss" is a curve.
/// </summary>
public sealed record MetricsLog(IReadOnlyList<double> Steps, IReadOnlyDictionary<string, IReadOnlyList<double>> Losses)
{
    private static readonly string[] StepFields = ["step", "iteration", "iter", "epoch"];

    public static MetricsLog Parse(TextReader reader)
    {
        var steps = new List<double>();
        var losses = new SortedDictionary<string, List<double>>(StringComparer.Ordinal);
        string? line;
        var lineNumber = 0;
        while ((line = reader.ReadLine()) is not null)
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonDocument doc;
            try { doc = JsonDocument.Parse(line); }
            catch (JsonException) { continue; } // a line cut short by a crash or a concurrent write: skip it, keep the curve
            using (doc)
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object) continue;
                var fields = doc.RootElement.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Number).ToList();
                var lossFields = fields.Where(p => p.Name.Contains("loss", StringComparison.OrdinalIgnoreCase)).ToList();
                if (lossFields.Count == 0) continue;
                var step = StepFields
                    .SelectMany(n => fields.Where(p => p.Name == n).Select(p => (double?)p.Value.GetDouble()))
                    .FirstOrDefault();
                steps.Add(step ?? lineNumber);
                var index = steps.Count - 1;
                foreach (var p in lossFields)
                {
                    if (!losses.TryGetValue(p.Name, out var series)) losses[p.Name] = series = [];
                    // Curves that start later are padded with NaN so every series lines up with Steps.
                    while (series.Count < index) series.Add(double.NaN);
                    series.Add(p.Value.GetDouble());
                }
                lineNumber++;
            }
        }
        foreach (var series in losses.Values) while (series.Count < steps.Count) series.Add(double.NaN);
        return new MetricsLog(steps, losses.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<double>)kv.Value));
    }
}
