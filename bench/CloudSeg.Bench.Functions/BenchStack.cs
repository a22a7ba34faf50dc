using System.Globalization;
using CloudSeg.LocalEnvironment;
using CloudSeg.Storage;

namespace CloudSeg.Bench.Functions;

/// <summary>
/// What every functions benchmark starts from: a fresh work folder (logs, Azurite data, model cache), a private Azurite
/// on free ports with CloudSeg's containers, queues and tables, and the local runner settings they share.
/// </summary>
internal sealed class BenchStack : IAsyncDisposable
{
    private readonly AzuriteServer _azurite;

    private BenchStack(string work, AzuriteServer azurite)
    {
        Work = work;
        _azurite = azurite;
        Storage = CloudSegStorage.Create(new StorageOptions { ConnectionString = azurite.ConnectionString });
    }

    public string Work { get; }

    public CloudSegStorage Storage { get; }

    public static async Task<BenchStack> StartAsync(string repoRoot, string name, CancellationToken ct)
    {
        var work = Directory.CreateTempSubdirectory($"cloudseg-bench-{name}-").FullName;
        var azurite = await AzuriteServer.StartAsync(repoRoot, Path.Combine(work, "azurite"), AzuritePorts.Free(),
            Path.Combine(work, "azurite.log"), ct);
        var stack = new BenchStack(work, azurite);
        await stack.Storage.EnsureCreatedAsync(ct);
        return stack;
    }

    /// <summary>The runner on this Azurite with the given ONNX threads, no training schedule and quiet logs.</summary>
    public Dictionary<string, string?> RunnerSettings(int intraOpThreads) => new()
    {
        ["Storage:ConnectionString"] = _azurite.ConnectionString,
        ["Segmenter:IntraOpThreads"] = intraOpThreads.ToString(CultureInfo.InvariantCulture),
        ["Models:CacheDirectory"] = Path.Combine(Work, "models"),
        ["LocalRunner:RunTrainingSchedule"] = "false",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    /// <summary>Index rows under <paramref name="prefix"/> that reached an end (succeeded or failed).</summary>
    public async Task<int> CountFinishedAsync(string prefix, CancellationToken ct)
    {
        var finished = 0;
        await foreach (var row in Storage.QueryImagesAsync(new ImageQuery { NamePrefix = prefix }, [nameof(ImageIndexEntity.Status)], ct))
            if (row.IsFinished) finished++;
        return finished;
    }

    public ValueTask DisposeAsync() => _azurite.DisposeAsync();
}
