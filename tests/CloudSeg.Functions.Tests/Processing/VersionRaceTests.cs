using CloudSeg.Core.Imaging;
using CloudSeg.Functions.Tests.Infrastructure;
using CloudSeg.Storage;
using CloudSeg.Testing;

namespace CloudSeg.Functions.Tests.Processing;

/// <summary>
/// An upload deleted or replaced while the worker processes it (issue 11, findings 5 and 6). A large picture keeps
/// the first run busy long enough for the test to act while the row says "processing"; the scanner is off, so only
/// the worker itself can put things right.
/// </summary>
public class VersionRaceTests(VersionRaceTests.NoScannerFixture host) : IClassFixture<VersionRaceTests.NoScannerFixture>
{
    public sealed class NoScannerFixture : LocalRunnerFixture
    {
        protected override void Configure(Dictionary<string, string?> settings)
        {
            settings["Functions:ScanInterval"] = "00:00:00";
        }
    }

    internal static readonly Lazy<byte[]> Large = new(() => LargePicture(3600, 2700));

    [Fact]
    public async Task An_upload_deleted_while_it_is_processed_keeps_no_row_and_no_results()
    {
        var exercised = 0;
        for (var trial = 0; trial < 3 && exercised == 0; trial++)
        {
            var name = $"{Guid.NewGuid():N}/deleted-mid-way.png";
            var receipt = await host.Storage.UploadImageAsync(name, new MemoryStream(Large.Value));
            await WaitProcessingAsync(name, receipt.ETag);
            await host.Storage.Uploads.GetBlobClient(name).DeleteAsync();
            // Only a delete that landed before the worker finished is the race; a later one is an ordinary delete.
            if ((await host.Storage.GetImageAsync(name))?.Status != ImageStatus.Processing) continue;
            exercised++;

            await Eventually.TrueAsync(async () => await host.Storage.GetQueueDepthAsync() == 0, "the worker to finish with the message");
            Assert.Null(await host.Storage.GetImageAsync(name));
            foreach (var file in new[] { ResultLayout.ResultJson, ResultLayout.OverlayPng, ResultLayout.ThumbnailJpeg })
                Assert.False(await host.Storage.ResultBlob(name, file).ExistsAsync(), file);
        }
        Assert.True(exercised > 0, "a delete landed while the image was processing");
    }

    [Fact]
    public async Task A_newer_version_uploaded_while_the_older_one_is_processed_ends_up_in_the_row_and_result_json()
    {
        var name = $"{Guid.NewGuid():N}/replaced-mid-way.png";
        var first = await host.Storage.UploadImageAsync(name, new MemoryStream(Large.Value));
        await WaitProcessingAsync(name, first.ETag);
        var second = await host.Storage.UploadImageAsync(name, new MemoryStream(TestImages.SmallShapes));

        await Eventually.TrueAsync(async () => await host.Storage.GetQueueDepthAsync() == 0, "the worker to finish with both messages");
        var row = await host.Storage.GetImageAsync(name);
        Assert.Equal((ImageStatus.Succeeded, second.ETag), (row!.Status, row.SourceETag));
        Assert.Equal((160, 120), (row.Width, row.Height));
        var result = await host.Storage.ReadResultAsync(name);
        Assert.Equal(second.ETag, result!.Source.ETag);
        Assert.Equal(160, result.Image.Width);
        var overlay = ImageDecoder.Probe((await host.Storage.ResultBlob(name, ResultLayout.OverlayPng).DownloadContentAsync()).Value.Content.ToArray());
        Assert.Equal((160, 120), (overlay.Width, overlay.Height));
    }

    private Task WaitProcessingAsync(string name, string etag) => Eventually.TrueAsync(async () =>
            await host.Storage.GetImageAsync(name) is { Status: ImageStatus.Processing } row && row.SourceETag == etag,
        $"{name} to be processing", maxInterval: TimeSpan.FromMilliseconds(10));

    // Smooth colour bands with a few rectangles: cheap to upload, many pixels to decode, segment and render.
    private static byte[] LargePicture(int width, int height)
    {
        var pixels = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        for (var x = 0; x < width; x++)
        {
            var i = (y * width + x) * 3;
            var inBox = (x / 600 + y / 600) % 3 == 0;
            pixels[i] = (byte)(inBox ? 230 : x * 255 / width);
            pixels[i + 1] = (byte)(inBox ? 40 : y * 255 / height);
            pixels[i + 2] = (byte)(inBox ? 40 : 128);
        }
        return ImageEncoder.Png(new RgbImage(width, height, pixels));
    }
}
