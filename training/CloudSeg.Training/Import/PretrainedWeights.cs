using Microsoft.Extensions.Logging;
using static TorchSharp.torch;

namespace CloudSeg.Training.Import;

/// <summary>
/// The fine-tuning entry (<c>cloudseg train --init-from weights.safetensors</c>): start from a torchvision Mask R-CNN
/// state dict instead of random weights. The backbone must load completely — anything else means the file is for
/// another architecture (depth, width) and training would silently start from scratch; the heads may differ
/// (other classes, no MaskIoU head in torchvision) and keep their fresh initialisation.
/// </summary>
public static class PretrainedWeights
{
    private const string BackbonePrefix = "backbone.";

    public static StateDictImportReport InitializeFrom(nn.Module model, string safetensorsPath, ILogger logger)
    {
        var report = StateDictImporter.LoadSafeTensors(model, safetensorsPath);
        var backboneGaps = report.Missing.Where(n => n.StartsWith(BackbonePrefix, StringComparison.Ordinal))
            .Concat(report.Mismatched.Where(m => m.Name.StartsWith(BackbonePrefix, StringComparison.Ordinal)).Select(m => m.ToString()))
            .ToList();
        if (backboneGaps.Count > 0)
            throw new InvalidDataException(
                $"{safetensorsPath} does not fit this model's backbone (another ResNet depth or width?): " +
                $"{backboneGaps.Count} backbone tensors missing or of another shape, e.g. {string.Join("; ", backboneGaps.Take(3))}.");

        logger.LogInformation(
            "Initialised from {Path}: {Loaded} tensors loaded; {Mismatched} kept fresh for other shapes ({MismatchedNames}); {Missing} not in the file ({MissingNames}); {Unexpected} in the file unused",
            safetensorsPath, report.Loaded.Count, report.Mismatched.Count, string.Join(", ", report.Mismatched.Select(m => m.Name)),
            report.Missing.Count, Summarize(report.Missing), report.Unexpected.Count);
        return report;
    }

    /// <summary>Module prefixes of a name list, e.g. "roi_heads.maskiou_head (10)", so a log line stays short.</summary>
    private static string Summarize(IEnumerable<string> names) => string.Join(", ",
        names.GroupBy(n => string.Join('.', n.Split('.').Take(2))).Select(g => $"{g.Key} ({g.Count()})"));
}
