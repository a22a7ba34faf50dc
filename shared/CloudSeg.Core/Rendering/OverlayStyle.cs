namespace CloudSeg.Core.Rendering;

/// <summary>How overlays look. Sizes of 0 mean "scale with the picture".</summary>
public sealed class OverlayStyle
{
    /// <summary>Opacity of the mask colour over the picture, 0..1.</summary>
    public float MaskOpacity { get; set; } = 0.45f;

    /// <summary>Draw each mask's outline in its full colour, so touching instances stay distinguishable.</summary>
    public bool DrawMaskOutlines { get; set; } = true;

    public bool DrawBoxes { get; set; } = true;

    public bool DrawLabels { get; set; } = true;

    /// <summary>Box outline width in pixels; 0 = about 1/300 of the shorter side, at least 2.</summary>
    public float BoxStrokeWidth { get; set; }

    /// <summary>Label text size in pixels; 0 = about 1/40 of the shorter side, between 11 and 28.</summary>
    public float FontSize { get; set; }

    /// <summary>
    /// zlib level for PNG output (1 = fastest .. 9 = smallest). Measured on a 640×480 photo-like overlay here:
    /// level 1 encodes about twice as fast as 4–6 for files about 10% larger; the service writes thousands.
    /// </summary>
    public int PngCompressionLevel { get; set; } = 1;
}
