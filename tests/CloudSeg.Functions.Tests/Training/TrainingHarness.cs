using CloudSeg.Functions.Training;
using CloudSeg.Functions.Tests.Infrastructure;
using CloudSeg.Storage;
using CloudSeg.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CloudSeg.Functions.Tests.Training;

/// <summary>
/// The functions' services against an Azurite, with a real child process as the training command: by default a small
/// shell script standing in for `cloudseg train` that leaves a model package whose card reports the mask AP found in
/// the dataset blob <c>shapes/ap.txt</c>.
/// </summary>
internal sealed class TrainingHarness : IAsyncDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "cloudseg-retrain-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly ServiceProvider _services;

    public TrainingHarness(string connectionString, string? command = null)
    {
        Directory.CreateDirectory(_work);
        var template = Path.Combine(_work, "card.template.json");
        File.WriteAllText(template, """{"format":"torchvision","name":"retrained","version":"r","classes":["__background__","circle","square","triangle"],"metrics":{"segm":{"AP":__AP__}}}""");
        var onnx = Path.Combine(TestImages.TestModelDirectory, ModelRegistry.OnnxFileName);
        var fakeTrainer = $"cp '{onnx}' {{output}}/model.onnx && sed \"s/__AP__/$(cat {{data}}/shapes/ap.txt)/\" '{template}' > {{output}}/model.card.json && echo trained";
        var settings = FunctionsSettings.For(connectionString);
        settings["Training:LocalCommand"] = command ?? fakeTrainer;
        settings["Training:WorkDirectory"] = Path.Combine(_work, "runs");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        _services = new ServiceCollection()
            .AddLogging(b => b.AddConfiguration(configuration.GetSection("Logging")))
            .AddCloudSegFunctions(configuration)
            .BuildServiceProvider();
    }

    public RetrainOnSchedule Retrain => _services.GetRequiredService<RetrainOnSchedule>();

    public CloudSegStorage Storage => _services.GetRequiredService<CloudSegStorage>();

    public Task SetDatasetApAsync(string ap) =>
        Storage.Datasets.GetBlobClient("shapes/ap.txt").UploadAsync(BinaryData.FromString(ap), overwrite: true);

    /// <summary>Starts a run (asserting one starts) and polls its completion the way the timer does.</summary>
    public async Task<TrainingRunEntity> RunToCompletionAsync()
    {
        var started = await Retrain.RunAsync("manual", default);
        Assert.Equal("started", started.Action);
        return await Eventually.ValueAsync(async () =>
        {
            await Retrain.FinishRunsAsync(default);
            var run = (await Storage.ListTrainingRunsAsync()).Single(r => r.RunId == started.Run!.RunId);
            return run.Status == TrainingRunStatus.Started ? null : run;
        }, "the training run to finish");
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        if (Directory.Exists(_work)) Directory.Delete(_work, recursive: true);
    }
}
