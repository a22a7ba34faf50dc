using MudBlazor;

namespace CloudSeg.Dashboard.Components.Layout;

/// <summary>
/// One theme for the whole dashboard: a dark app bar over a light page so images and masks keep their colours. Every
/// colour that carries white text (chips, buttons) is dark enough for WCAG AA's 4.5:1; MudBlazor's defaults are not
/// (its success green is 2.2:1, its error red 3.7:1).
/// </summary>
public static class DashboardTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1565C0",
            Secondary = "#00695C",
            Info = "#1565C0",
            Success = "#2E7D32",
            Warning = "#A64B00",
            Error = "#C62828",
            AppbarBackground = "#263238",
        },
    };
}
