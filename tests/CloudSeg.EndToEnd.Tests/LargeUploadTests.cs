using Microsoft.Playwright;
using SkiaSharp;
using static Microsoft.Playwright.Assertions;

namespace CloudSeg.EndToEnd.Tests;

/// <summary>
/// Large files from several browser sessions at once (issue 11, finding 7: 6 of 9 uploads of 20–52 MB failed with
/// three sessions, the tiles showing "Concurrent reads or writes are not supported").
/// </summary>
[Collection(StackCollection.Name)]
public sealed class LargeUploadTests(StackFixture stack)
{
    private const int FilesPerSession = 3;

    [Fact]
    public async Task Three_twenty_megabyte_files_from_each_of_two_sessions_at_once_all_reach_storage_whole()
    {
        var run = Guid.NewGuid().ToString("N")[..6];
        var folder = TestImages.NewFolder();
        var sessions = new[] { "a", "b" }.Select(session => Enumerable.Range(0, FilesPerSession)
            .Select(i => NoisyPng(folder, $"{run}-{session}{i}.png", seed: session[0] * 10 + i)).ToArray()).ToArray();
        Assert.All(sessions.SelectMany(f => f), f => Assert.InRange(new FileInfo(f).Length, 18_000_000, 50 * 1024 * 1024));

        var pages = await Task.WhenAll(sessions.Select(_ => stack.NewPageAsync()));
        await Task.WhenAll(pages.Select(p => p.OpenAsync("/upload")));
        await Task.WhenAll(pages.Select((p, i) => p.Locator("[data-testid=upload-input]").SetInputFilesAsync(sessions[i])));

        for (var s = 0; s < pages.Length; s++)
        {
            foreach (var file in sessions[s])
            {
                var name = Path.GetFileName(file);
                // The tile leaves "uploading" for the index's status once the whole file is stored; a failure would read "refused".
                var tile = pages[s].Locator($"[data-testid=gallery-tile][data-name='{name}']");
                await Expect(tile).ToHaveAttributeAsync("data-status", new System.Text.RegularExpressions.Regex("^(queued|processing|succeeded|failed)$"),
                    new() { Timeout = 180_000 });
                var stored = await stack.Storage.Uploads.GetBlobClient(name).GetPropertiesAsync();
                Assert.Equal(new FileInfo(file).Length, stored.Value.ContentLength);
            }
        }
        foreach (var page in pages) await page.Context.CloseAsync();
    }

    // Random pixels do not compress: a 2800×2400 PNG of them is ~20 MB.
    private static string NoisyPng(string folder, string name, int seed)
    {
        const int width = 2800, height = 2400;
        var random = new Random(seed);
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var pixels = bitmap.GetPixelSpan();
        random.NextBytes(pixels);
        for (var i = 3; i < pixels.Length; i += 4) pixels[i] = 255;
        using var png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        var path = Path.Combine(folder, name);
        File.WriteAllBytes(path, png.ToArray());
        return path;
    }
}
