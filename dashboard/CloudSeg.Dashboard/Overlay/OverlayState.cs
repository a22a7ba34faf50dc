using CloudSeg.Core.Rendering;

namespace CloudSeg.Dashboard.Overlay;

/// <summary>
/// What the detail page currently shows: per-instance and per-class toggles, the score threshold, the mask opacity
/// and the hovered instance. Pure state so the rules (an instance shows only when it, its class and its score all
/// allow it) are testable without a browser.
/// </summary>
public sealed class OverlayState
{
    private readonly HashSet<int> _hiddenInstances = [];
    private readonly HashSet<string> _hiddenClasses = new(StringComparer.Ordinal);

    public OverlayState(IReadOnlyList<OverlayInstanceView> instances)
    {
        Instances = instances;
        Classes = instances.Select(i => i.ClassName).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }

    public IReadOnlyList<OverlayInstanceView> Instances { get; }

    public List<string> Classes { get; }

    /// <summary>Instances scoring below this are hidden (0..1).</summary>
    public double ScoreThreshold { get; set; }

    /// <summary>Mask fill opacity (0..1).</summary>
    public double Opacity { get; set; } = 0.5;

    /// <summary>The instance under the pointer (on the canvas or in the list), or -1.</summary>
    public int HighlightedId { get; set; } = -1;

    /// <summary>Colour masks by class (one colour per class, with a legend) instead of one per instance.</summary>
    public bool ColorByClass { get; set; }

    /// <summary>Class i (alphabetical) gets <see cref="Palette"/> colour i, so the legend and the masks agree.</summary>
    public string ClassColor(string className) => Palette.Hex(Math.Max(0, Classes.IndexOf(className)));

    /// <summary>The colour the instance is painted in now: its own (by score rank) or its class's.</summary>
    public string ColorOf(OverlayInstanceView instance) => ColorByClass ? ClassColor(instance.ClassName) : instance.Color;

    /// <summary>Colours by instance id, for the canvas painter.</summary>
    public Dictionary<int, string> Colors() => Instances.ToDictionary(i => i.Id, ColorOf);

    public bool IsInstanceEnabled(int id) => !_hiddenInstances.Contains(id);

    public void SetInstanceEnabled(int id, bool enabled)
    {
        if (enabled) _hiddenInstances.Remove(id);
        else _hiddenInstances.Add(id);
    }

    public bool IsClassEnabled(string className) => !_hiddenClasses.Contains(className);

    public void SetClassEnabled(string className, bool enabled)
    {
        if (enabled) _hiddenClasses.Remove(className);
        else _hiddenClasses.Add(className);
    }

    /// <summary>Compared in float, the scores' own precision, so a slider at 0.7 keeps an instance scored 0.7f.</summary>
    public bool PassesThreshold(OverlayInstanceView instance) => instance.Score >= (float)ScoreThreshold;

    public bool IsVisible(OverlayInstanceView instance) =>
        IsInstanceEnabled(instance.Id) && IsClassEnabled(instance.ClassName) && PassesThreshold(instance);

    public int[] VisibleIds() => Instances.Where(IsVisible).Select(i => i.Id).ToArray();

    public int CountOfClass(string className) => Instances.Count(i => i.ClassName == className);
}
