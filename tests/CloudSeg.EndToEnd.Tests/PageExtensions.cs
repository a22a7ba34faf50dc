using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CloudSeg.EndToEnd.Tests;

internal static class PageExtensions
{
    /// <summary>Navigates and waits until the Blazor circuit is attached (before that, clicks and files go nowhere).</summary>
    public static async Task OpenAsync(this IPage page, string path)
    {
        await page.GotoAsync(path);
        await Expect(page.Locator("[data-testid=app]")).ToHaveAttributeAsync("data-interactive", "true");
    }

    /// <summary>The detail page's address for one upload (the dashboard's MediaUrls.Detail, which this project cannot reference).</summary>
    public static string DetailPath(string blobName) => $"/image?name={Uri.EscapeDataString(blobName)}";
}
