using MudBlazor;

namespace CloudSeg.Dashboard.Components.Layout;

/// <summary>One theme for the whole dashboard: a dark app bar over a light page so images and masks keep their colours.</summary>
public static class DashboardTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1565C0",
            Secondary = "#00897B",
            AppbarBackground = "#263238",
        },
    };
}
