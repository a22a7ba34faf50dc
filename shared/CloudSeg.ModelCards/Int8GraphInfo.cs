using System.Text.Json.Serialization;

namespace CloudSeg.ModelCards;

/// <summary>The card's record of a package's int8 graph (<c>cloudseg quantize</c>): which file, what precision, what
/// it was calibrated on, how closely it reproduces the float graph and which layers stayed float.</summary>
public sealed record Int8GraphInfo
{
    /// <summary>The int8 graph's file name, beside the float graph.</summary>
    [JsonPropertyName("graph")] public string Graph { get; init; } = "model.int8.onnx";

    /// <summary>How the graph computes, e.g. "int8 QDQ: signed int8 activations (per tensor), int8 weights (per channel), int32 biases".</summary>
    [JsonPropertyName("precision")] public string Precision { get; init; } = "";

    [JsonPropertyName("calibration")] public CalibrationInfo Calibration { get; init; } = new();

    /// <summary>Agreement of the int8 graph's instances with the float graph's on the held-back pictures
    /// (see <c>DetectionAgreement</c>: 1 = the same instances with identical masks).</summary>
    [JsonPropertyName("agreement")] public double Agreement { get; init; }

    [JsonPropertyName("quantized_nodes")] public int QuantizedNodes { get; init; }

    /// <summary>Convolutions and fully-connected layers the sensitivity pass left in float.</summary>
    [JsonPropertyName("float_nodes")] public IReadOnlyList<string> FloatNodes { get; init; } = [];

    [JsonPropertyName("date")] public DateTimeOffset? Date { get; init; }
}

/// <summary>The calibration set and method of an int8 graph.</summary>
public sealed record CalibrationInfo
{
    /// <summary>"minmax" or "percentile": the method that measured better, of those tried.</summary>
    [JsonPropertyName("method")] public string Method { get; init; } = "";

    /// <summary>Agreement with the float graph per method tried, before the sensitivity pass.</summary>
    [JsonPropertyName("tried")] public IReadOnlyDictionary<string, double> Tried { get; init; } = new Dictionary<string, double>();

    /// <summary>The folder the pictures came from, as given.</summary>
    [JsonPropertyName("source")] public string Source { get; init; } = "";

    [JsonPropertyName("images")] public int Images { get; init; }

    [JsonPropertyName("held_back_images")] public int HeldBackImages { get; init; }

    /// <summary>SHA-256 over the pictures' names and bytes, in order: the same digest means the same calibration set.</summary>
    [JsonPropertyName("digest")] public string Digest { get; init; } = "";
}
