using CloudSeg.Core.Imaging;
using CloudSeg.Functions.Tests.Infrastructure;
using CloudSeg.Storage;
using CloudSeg.Testing;

namespace CloudSeg.Functions.Tests.Processing;

/// <summary>
/// Large pictures are decoded only as large as the model and the overlay need (issue 11, finding 9), yet their
/// results are in the picture's full size.
/// </summary>
public class LargePictureTests(LargePictureTests.SmallWorkingSizeFixture host) : IClassFixture<LargePictureTests.SmallWorkingSizeFixture>
{
    /// <summary>The model looks at pictures at most 1024 px wide; overlays are at most 1200 px.</summary>
    public sealed class SmallWorkingSizeFixture : LocalRunnerFixture
    {
        protected override void Configure(Dictionary<string, string?> settings)
        {
            settings["Segmenter:MaxInputSide"] = "1024";
            settings["Functions:OverlayMaxSide"] = "1200";
        }
    }

    [Fact]
    public async Task A_large_picture_gets_full_size_results_and_an_overlay_at_the_decoded_size()
    {
        var name = $"{Guid.NewGuid():N}/large.png";
        var row = await host.UploadAndWaitAsync(name, VersionRaceTests.Large.Value);

        Assert.Equal(ImageStatus.Succeeded, row.Status);
        Assert.Equal((3600, 2700), (row.Width, row.Height));
        var result = await host.Storage.ReadResultAsync(name);
        Assert.Equal((3600, 2700), (result!.Image.Width, result.Image.Height));
        Assert.NotEmpty(result.Instances);
        Assert.All(result.Instances, i => Assert.Equal([2700, 3600], i.Segmentation.Size));
        Assert.Contains(result.Instances, i => i.Bbox[0] + i.Bbox[2] > 1200); // boxes in full-size pixels (xywh)
        var overlay = ImageDecoder.Probe((await host.Storage.ResultBlob(name, ResultLayout.OverlayPng).DownloadContentAsync()).Value.Content.ToArray());
        Assert.Equal((1200, 900), (overlay.Width, overlay.Height));
    }

    [Fact]
    public async Task Eight_decompression_bombs_at_once_all_succeed_and_a_normal_upload_beside_them_too()
    {
        const int side = 6320;
        var bomb = HandMadePng.Png(side, side, colourType: 2, bitDepth: 8, new byte[(1 + side * 3) * side]);
        var prefix = Guid.NewGuid().ToString("N")[..8];
        var uploads = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            host.Storage.UploadImageAsync($"{prefix}/bomb-{i}.png", new MemoryStream(bomb))));
        var normal = await host.UploadAndWaitAsync($"{prefix}/normal.png", TestImages.SmallShapes, TimeSpan.FromMinutes(3));

        Assert.Equal(ImageStatus.Succeeded, normal.Status);
        foreach (var upload in uploads)
        {
            var row = await host.WaitFinishedAsync(upload.BlobName, upload.ETag, TimeSpan.FromMinutes(3));
            Assert.Equal((ImageStatus.Succeeded, side, side), (row.Status, row.Width!.Value, row.Height!.Value));
        }
    }
}
