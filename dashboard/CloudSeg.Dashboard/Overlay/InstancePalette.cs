namespace CloudSeg.Dashboard.Overlay;

/// <summary>
/// Distinct, saturated colours for instance masks; instance i gets colour i mod N so neighbours differ and the chip
/// in the instance list matches the mask on the canvas.
/// </summary>
public static class InstancePalette
{
    private static readonly string[] Colors =
    [
        "#E6194B", "#3CB44B", "#FFE119", "#4363D8", "#F58231", "#911EB4", "#46F0F0", "#F032E6",
        "#BCF60C", "#FABEBE", "#008080", "#E6BEFF", "#9A6324", "#FFFAC8", "#800000", "#AAFFC3",
        "#808000", "#FFD8B1", "#000075", "#808080",
    ];

    public static string ColorFor(int index) => Colors[((index % Colors.Length) + Colors.Length) % Colors.Length];
}
