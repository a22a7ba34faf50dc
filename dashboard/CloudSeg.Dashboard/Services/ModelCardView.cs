using System.Text.Json;

namespace CloudSeg.Dashboard.Services;

/// <summary>
/// The parts of a model card (model.card.json) the models page shows. The card's <c>metrics</c> object holds COCO
/// summaries (<c>bbox</c>, <c>segm</c>, and <c>bbox_rescored</c> / <c>segm_rescored</c> with MaskIoU rescoring); it is
/// flattened into one AP row per path, so summaries an evaluator adds later show up too.
/// </summary>
public sealed record ModelCardView(
    string? Name,
    string? Format,
    IReadOnlyList<string> Classes,
    double? ScoreThreshold,
    IReadOnlyList<ApRow> Metrics,
    IReadOnlyDictionary<string, string> Training)
{
    /// <summary>The COCO summary columns, in the order COCO prints them.</summary>
    public static IReadOnlyList<string> ApColumns { get; } = ["AP", "AP50", "AP75", "APs", "APm", "APl"];

    public static ModelCardView Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return new(null, null, [], null, [], new Dictionary<string, string>());
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var classes = root.TryGetProperty("classes", out var c) && c.ValueKind == JsonValueKind.Array
            ? c.EnumerateArray().Select(e => e.GetString() ?? "").Where(n => n != "__background__").ToList()
            : [];
        var rows = new List<ApRow>();
        if (root.TryGetProperty("metrics", out var metrics)) CollectRows(metrics, "", rows);
        rows.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name)); // box rows, then mask rows, each plain then rescored
        var training = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root.TryGetProperty("training", out var t) && t.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in t.EnumerateObject()) training[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
        }
        return new(Text(root, "name"), Text(root, "format"), classes,
            root.TryGetProperty("score_threshold", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetDouble() : null,
            rows, training);
    }

    /// <summary>An object holding any AP column becomes a row named by its path; deeper objects are walked.</summary>
    private static void CollectRows(JsonElement element, string path, List<ApRow> rows)
    {
        if (element.ValueKind != JsonValueKind.Object) return;
        var values = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
        foreach (var p in element.EnumerateObject())
        {
            if (p.Value.ValueKind == JsonValueKind.Number && ApColumns.Contains(p.Name, StringComparer.OrdinalIgnoreCase))
                values[p.Name] = p.Value.GetDouble();
            else if (p.Value.ValueKind == JsonValueKind.Object)
                CollectRows(p.Value, path.Length == 0 ? p.Name : $"{path} / {p.Name}", rows);
        }
        if (values.Count > 0) rows.Insert(0, new ApRow(DisplayName(path), values));
    }

    /// <summary>"segm_rescored" reads as "mask, MaskIoU rescored"; unknown paths keep their own name.</summary>
    private static string DisplayName(string path) => path switch
    {
        "" => "metrics",
        "bbox" => "box",
        "segm" => "mask",
        "bbox_rescored" => "box, MaskIoU rescored",
        "segm_rescored" => "mask, MaskIoU rescored",
        _ => path,
    };

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}

/// <summary>One line of the AP table, e.g. "segm / with_maskiou" → AP 0.41, AP50 0.63, …</summary>
public sealed record ApRow(string Name, IReadOnlyDictionary<string, double> Values)
{
    public double? this[string column] => Values.TryGetValue(column, out var v) ? v : null;
}
