using CloudSeg.Core.Rendering;
using CloudSeg.Dashboard.Overlay;
using CloudSeg.Storage;

namespace CloudSeg.Dashboard.Services;

/// <summary>Everything the detail page shows for one upload: its index row and, once it succeeded, its result.</summary>
public sealed record ImageDetail(ImageIndexEntity Row, ResultDocument? Result, IReadOnlyList<OverlayInstanceView> Instances)
{
    /// <summary>Instances ordered by score (best first) and numbered in that order, each with its <see cref="Palette"/> colour
    /// (the same rule the stored overlay PNG and the CLI use).</summary>
    public static IReadOnlyList<OverlayInstanceView> ToOverlayInstances(ResultDocument result) =>
        result.Instances
            .OrderByDescending(i => i.Score)
            .Select((instance, index) => new OverlayInstanceView(
                index,
                instance.ClassName,
                (float)instance.Score,
                instance.MaskIou is { } iou ? (float)iou : null,
                instance.Bbox.Select(v => (float)v).ToArray(),
                instance.Segmentation.Counts,
                Palette.Hex(index)))
            .ToList();
}
