using CloudSeg.Core.Imaging;
using CloudSeg.Core.Masks;
using System.Diagnostics.Metrics;
using CloudSeg.Functions.Scanning;
using CloudSeg.Functions.Telemetry;
using CloudSeg.Functions.Tests.Infrastructure;
using CloudSeg.Storage;
using CloudSeg.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CloudSeg.Functions.Tests.Processing;

public class SegmentImageTests(LocalRunnerFixture host) : IClassFixture<LocalRunnerFixture>
{
    private static string Unique(string name) => $"{Guid.NewGuid().ToString("N")[..8]}/{name}";

    [Fact]
    public async Task Upload_gets_result_json_overlay_thumbnail_and_an_indexed_row()
    {
        var name = Unique("shapes.png");
        var row = await host.UploadAndWaitAsync(name, TestImages.Shapes);

        Assert.Equal(ImageStatus.Succeeded, row.Status);
        Assert.Null(row.Error);
        Assert.Equal((320, 240), (row.Width, row.Height));
        Assert.StartsWith("bundled-", row.ModelVersion);
        Assert.Equal(1, row.Attempts);
        Assert.True(row.TotalMs > 0);

        var result = await host.Storage.ReadResultAsync(name);
        Assert.NotNull(result);
        Assert.Equal(row.SourceETag, result.Source.ETag);
        Assert.Equal(row.ModelVersion, result.Model.Version);
        Assert.Equal(row.InstanceCount, result.Instances.Count);
        Assert.True(result.Instances.Count > 0, "the tiny model finds shapes in its own fixture image");
        Assert.Equal(row.TopScore, result.Instances.Max(i => i.Score));
        Assert.Equal(row.Classes!.Split(',').Order(), result.Instances.Select(i => i.ClassName).Distinct().Order());
        foreach (var instance in result.Instances)
        {
            Assert.Equal([240, 320], instance.Segmentation.Size);
            var mask = RleMask.FromCompressedString(instance.Segmentation.Counts, 240, 320);
            Assert.Equal(instance.Area, mask.Area);
            Assert.Equal(row.ClassCounts[instance.ClassName], result.Instances.Count(i => i.ClassName == instance.ClassName));
        }
        Assert.All(new[] { "download", "decode", "model", "render", "total" }, stage => Assert.True(result.TimingsMs.ContainsKey(stage), stage));

        var overlay = ImageDecoder.Decode((await host.Storage.ResultBlob(name, ResultLayout.OverlayPng).DownloadContentAsync()).Value.Content.ToArray());
        Assert.Equal((320, 240), (overlay.Width, overlay.Height));
        var thumbBytes = (await host.Storage.ResultBlob(name, ResultLayout.ThumbnailJpeg).DownloadContentAsync()).Value.Content.ToArray();
        Assert.Equal(ImageFormat.Jpeg, ImageDecoder.Probe(thumbBytes).Format);
        Assert.Equal(256, Math.Max(ImageDecoder.Probe(thumbBytes).Width, ImageDecoder.Probe(thumbBytes).Height));
    }

    public static TheoryData<string, byte[], string, string> BadInputs()
    {
        var jpeg = File.ReadAllBytes(TestImages.CoreFixture("exif-orientation-6.jpg"));
        return new TheoryData<string, byte[], string, string>
        {
            { "truncated.jpg", jpeg[..(jpeg.Length / 3)], FailureKind.BadInput, "JPEG" },
            { "zero.jpg", [], FailureKind.BadInput, "empty" },
            { "text.jpg", "just some notes, not a picture\n"u8.ToArray(), FailureKind.BadInput, "not an image" },
            { "page.jpg", "<!DOCTYPE html><html><body>Not found</body></html>"u8.ToArray(), FailureKind.BadInput, "not an image" },
            { "one-pixel.png", OnePixelPng(), FailureKind.BadInput, "at least 16 pixels" },
            { "bomb.png", CraftedPng.HeaderOnly(50_000, 50_000), FailureKind.BadInput, "2500000000 pixels" },
        };
    }

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Bad_input_fails_at_once_with_a_clear_reason_and_the_host_stays_up(string file, byte[] content, string kind, string reasonPart)
    {
        var name = Unique(file);
        var row = await host.UploadAndWaitAsync(name, content);

        Assert.Equal(ImageStatus.Failed, row.Status);
        Assert.Equal(kind, row.ErrorKind);
        Assert.Contains(reasonPart, row.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, row.Attempts); // not retried
        Assert.Null(await host.Storage.ReadResultAsync(name));

        var next = await host.UploadAndWaitAsync(Unique("after-" + file + ".png"), TestImages.SmallShapes);
        Assert.Equal(ImageStatus.Succeeded, next.Status);
    }

    public static TheoryData<string, byte[], int, int> UnusualGoodInputs() => new()
    {
        { "sixteen-bit.png", CraftedPng.Rgb16(64, 48), 64, 48 },
        { "cmyk.jpg", File.ReadAllBytes(TestImages.CoreFixture("cmyk.jpg")), 32, 24 },
        { "rotated.jpg", File.ReadAllBytes(TestImages.CoreFixture("exif-orientation-6.jpg")), 40, 24 },
        { "animated.gif", File.ReadAllBytes(TestImages.CoreFixture("animated.gif")), -1, -1 },
    };

    [Theory]
    [MemberData(nameof(UnusualGoodInputs))]
    public async Task Unusual_but_valid_images_are_segmented_upright(string file, byte[] content, int width, int height)
    {
        var info = ImageDecoder.Probe(content);
        var name = Unique(file);
        var row = await host.UploadAndWaitAsync(name, content);

        if (Math.Min(info.Width, info.Height) < 16)
        {
            Assert.Equal(ImageStatus.Failed, row.Status);
            Assert.Contains("at least 16 pixels", row.Error);
            return;
        }
        Assert.Equal(ImageStatus.Succeeded, row.Status);
        Assert.Equal(width < 0 ? (info.Width, info.Height) : (width, height), (row.Width!.Value, row.Height!.Value));
        var result = await host.Storage.ReadResultAsync(name);
        Assert.Equal(row.Width, result!.Image.Width);
    }

    [Theory]
    [InlineData("with spaces/my photo 01.png")]
    [InlineData("ünïcødé/写真 📷.png")]
    [InlineData("odd#?%&+=;chars.png")]
    public async Task Odd_blob_names_get_their_own_result_folder(string blobName)
    {
        var name = Guid.NewGuid().ToString("N")[..8] + "-" + blobName;
        var receipt = await host.Storage.UploadImageAsync(name, new MemoryStream(TestImages.SmallShapes));
        var row = await host.WaitFinishedAsync(receipt.BlobName, receipt.ETag);

        Assert.Equal(ImageStatus.Succeeded, row.Status);
        Assert.Equal(name, row.BlobName);
        Assert.Equal(ResultLayout.FolderOf(name), row.ResultFolder);
        var result = await host.Storage.ReadResultAsync(name);
        Assert.Equal(name, result!.Source.Blob);
        Assert.True(await host.Storage.Results.GetBlobClient(ResultLayout.ResultJsonPath(name)).ExistsAsync());
    }

    [Fact]
    public async Task Same_blob_version_and_model_is_a_no_op_and_a_new_version_is_processed_again()
    {
        var name = Unique("idempotent.png");
        var first = await host.UploadAndWaitAsync(name, TestImages.SmallShapes);
        var resultBlob = host.Storage.ResultBlob(name, ResultLayout.ResultJson);
        var resultETag = (await resultBlob.GetPropertiesAsync()).Value.ETag;

        // The same BlobCreated event delivered twice more (Event Grid is at-least-once).
        var props = (await host.Storage.Uploads.GetBlobClient(name).GetPropertiesAsync()).Value;
        var duplicate = BlobCreatedEventCodec.Create("devstoreaccount1", StorageNames.UploadsContainer, name,
            host.Storage.Uploads.GetBlobClient(name).Uri, BlobVersion.Of(props.ETag), props.ContentType, props.ContentLength, props.LastModified);
        await host.Storage.Requests.SendMessageAsync(BlobCreatedEventCodec.ToJson(duplicate));
        await host.Storage.Requests.SendMessageAsync(BlobCreatedEventCodec.ToJson(duplicate));
        await Eventually.TrueAsync(async () => await host.Storage.GetQueueDepthAsync() == 0, "the duplicates to be consumed");

        var after = await host.Storage.GetImageAsync(name);
        Assert.Equal(first.ProcessedAt, after!.ProcessedAt);
        Assert.Equal(resultETag, (await resultBlob.GetPropertiesAsync()).Value.ETag);

        var second = await host.UploadAndWaitAsync(name, TestImages.Shapes);
        Assert.NotEqual(first.SourceETag, second.SourceETag);
        Assert.Equal(ImageStatus.Succeeded, second.Status);
        Assert.Equal((320, 240), (second.Width, second.Height));
        Assert.NotEqual(resultETag, (await resultBlob.GetPropertiesAsync()).Value.ETag);
    }

    [Fact]
    public async Task Blobs_that_arrive_without_an_event_are_found_by_the_scanner()
    {
        var name = Unique("copied-in-by-explorer.png");
        var upload = await host.Storage.Uploads.GetBlobClient(name).UploadAsync(new BinaryData(TestImages.SmallShapes));

        var row = await host.WaitFinishedAsync(name, BlobVersion.Of(upload.Value.ETag));
        Assert.Equal(ImageStatus.Succeeded, row.Status);

        // Indexed blobs are not announced again (listing ETags and header ETags must compare equal).
        var scanner = host.Services.GetRequiredService<UploadsScanner>();
        Assert.Equal(0, await scanner.ScanAsync(default));
    }

    [Fact]
    public async Task A_row_stuck_in_queued_whose_message_was_lost_is_announced_again()
    {
        var name = Unique("lost-message.png");
        var upload = await host.Storage.Uploads.GetBlobClient(name).UploadAsync(new BinaryData(TestImages.SmallShapes));
        var stuck = ImageIndexEntity.ForBlob(name);
        stuck.Status = ImageStatus.Queued;
        stuck.SourceETag = BlobVersion.Of(upload.Value.ETag);
        stuck.QueuedAt = DateTimeOffset.UtcNow.AddHours(-1); // announced long ago; its message never arrived
        await host.Storage.UpsertImageAsync(stuck);

        var row = await host.WaitFinishedAsync(name, stuck.SourceETag);
        Assert.Equal(ImageStatus.Succeeded, row.Status);
    }

    [Fact]
    public async Task Processed_images_are_counted_and_timed_on_the_CloudSeg_Functions_meter()
    {
        var measurements = new System.Collections.Concurrent.ConcurrentBag<(string Instrument, double Value)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == FunctionsMetrics.MeterName) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((i, v, _, _) => measurements.Add((i.Name, v)));
        listener.SetMeasurementEventCallback<double>((i, v, _, _) => measurements.Add((i.Name, v)));
        listener.Start();

        await host.UploadAndWaitAsync(Unique("metered.png"), TestImages.SmallShapes);
        await host.UploadAndWaitAsync(Unique("metered.jpg"), "not a picture"u8.ToArray());
        // The worker counts an image just after writing its final row, which is what the waits above observe.
        await Eventually.TrueAsync(() => Task.FromResult(
            measurements.Any(m => m.Instrument == "cloudseg.images.processed") && measurements.Any(m => m.Instrument == "cloudseg.images.failed")),
            "the processed and failed images to be counted");
        listener.RecordObservableInstruments();

        Assert.Contains(measurements, m => m.Instrument == "cloudseg.images.processed");
        Assert.Contains(measurements, m => m.Instrument == "cloudseg.images.latency" && m.Value > 0);
        Assert.Contains(measurements, m => m.Instrument == "cloudseg.images.failed");
        Assert.Contains(measurements, m => m.Instrument == "cloudseg.images.throughput" && m.Value > 0);
        Assert.Contains(measurements, m => m.Instrument == "cloudseg.queue.depth");
    }

    [Fact]
    public async Task Health_endpoint_reports_the_loaded_model()
    {
        using var client = host.CreateClient();
        var response = await client.GetAsync("/health");
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private static byte[] OnePixelPng() => ImageEncoder.Png(new RgbImage(1, 1, [200, 10, 10]));
}
