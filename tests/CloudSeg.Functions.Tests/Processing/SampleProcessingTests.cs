using CloudSeg.Functions.Models;
using CloudSeg.Functions.Tests.Infrastructure;
using CloudSeg.LocalEnvironment;
using CloudSeg.Storage;
using CloudSeg.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace CloudSeg.Functions.Tests.Processing;

/// <summary>
/// What `cloudseg up` does with samples/ against a running host: uploads them once, and after a model update asks
/// again for the samples an older model segmented, so the dashboard shows what the current model finds.
/// </summary>
public sealed class SampleProcessingTests(LocalRunnerFixture host) : IClassFixture<LocalRunnerFixture>, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("cloudseg-samples-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Samples_are_segmented_once_and_again_by_an_updated_model()
    {
        Directory.CreateDirectory(Path.Combine(_root, "samples"));
        await File.WriteAllBytesAsync(Path.Combine(_root, "samples", "sample-shapes.png"), TestImages.Shapes);
        var system = new LocalSystem(new LocalSystemOptions(_root), NullLogger<LocalSystem>.Instance);

        var first = Assert.Single(await system.ProcessSamplesAsync(host.Storage, CancellationToken.None));
        Assert.Equal(ImageStatus.Succeeded, first.Status);
        var unchanged = Assert.Single(await system.ProcessSamplesAsync(host.Storage, CancellationToken.None));
        Assert.Equal(first.ProcessedAt, unchanged.ProcessedAt);

        var package = TestImages.CopyTestModel(Path.Combine(_root, "update"), "sample-update-2");
        await host.Storage.Registry.UploadAsync("sample-update-2", package);
        await host.Storage.Registry.PromoteAsync("sample-update-2", "test: a newer model");
        var provider = host.Services.GetRequiredService<ModelProvider>();
        await Eventually.TrueAsync(() => Task.FromResult(provider.CurrentVersion == "sample-update-2"), "the host to serve the new model");

        var again = Assert.Single(await system.ProcessSamplesAsync(host.Storage, CancellationToken.None));
        Assert.Equal(ImageStatus.Succeeded, again.Status);
        Assert.Equal("sample-update-2", again.ModelVersion);
        Assert.NotEqual(first.ModelVersion, again.ModelVersion);
        Assert.Equal("sample-update-2", (await host.Storage.ReadResultAsync("sample-shapes.png"))!.Model.Version);
    }
}
