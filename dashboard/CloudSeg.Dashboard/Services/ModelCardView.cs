using System.Globalization;
using System.Text.Json;
using CloudSeg.ModelCards;
using CloudSeg.Storage;

namespace CloudSeg.Dashboard.Services;

/// <summary>
/// The parts of a model card the models page shows, read from the shared <see cref="ModelCard"/>. The card's
/// <c>metrics</c> hold COCO summaries (<c>bbox</c>, <c>segm</c>, and <c>bbox_rescored</c> / <c>segm_rescored</c> with
/// MaskIoU rescoring); they are flattened into one AP row per path, so summaries an evaluator adds later show up too.
/// <see cref="Problem"/> says why a card that exists could not be read.
/// </summary>
public sealed record ModelCardView(
    string? Name,
    string? Format,
    IReadOnlyList<string> Classes,
    double? ScoreThreshold,
    IReadOnlyList<ApRow> Metrics,
    IReadOnlyDictionary<string, string> Training,
    string? Architecture = null,
    string? Problem = null)
{
    /// <summary>The COCO summary columns, in the order COCO prints them.</summary>
    public static IReadOnlyList<string> ApColumns { get; } = ["AP", "AP50", "AP75", "APs", "APm", "APl"];

    public static ModelCardView Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return Empty;
        return ModelCard.TryParse(json, "model card", out var card, out var error) ? From(card!) : Empty with { Problem = error };
    }

    /// <summary>The view of a registry version's card, parsed once by the registry.</summary>
    public static ModelCardView Of(ModelVersionInfo version) =>
        version.Card is { } card ? From(card) : Empty with { Problem = version.CardError };

    public static ModelCardView From(ModelCard card)
    {
        var classes = card.Classes.Where(n => n != "__background__").ToList();
        var rows = new List<ApRow>();
        if (card.Metrics is { } metrics) CollectRows(JsonSerializer.SerializeToElement(metrics, ModelCard.JsonOptions), "", rows);
        rows.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name)); // box rows, then mask rows, each plain then rescored
        var training = new Dictionary<string, string>(StringComparer.Ordinal);
        if (card.Training is { } info)
        {
            foreach (var p in JsonSerializer.SerializeToElement(info, ModelCard.JsonOptions).EnumerateObject())
                training[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
        }
        // The card stores a float; its shortest decimal form (0.3, not 0.300000012) is the value the card's author wrote.
        double? threshold = card.ScoreThreshold is { } t ? double.Parse(t.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : null;
        return new(card.Name, card.Format, classes, threshold, rows, training, card.Architecture.ToCardName());
    }

    private static readonly ModelCardView Empty = new(null, null, [], null, [], new Dictionary<string, string>());

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
}

/// <summary>One line of the AP table, e.g. "segm / with_maskiou" → AP 0.41, AP50 0.63, …</summary>
public sealed record ApRow(string Name, IReadOnlyDictionary<string, double> Values)
{
    public double? this[string column] => Values.TryGetValue(column, out var v) ? v : null;
}
