using System.Security.Cryptography;
using CloudSeg.Core.Imaging;
using CloudSeg.ModelCards;
using CloudSeg.Onnx;
using CloudSeg.Training.Engine;
using CloudSeg.Training.Export;
using CloudSeg.Training.Import;

namespace CloudSeg.Training.Tests;

/// <summary>`cloudseg export` on a training run's output folder: the package carries the run's classes and metrics.</summary>
[Collection(TorchSharpRandomCollection.Name)]
public sealed class CheckpointExportTests : IDisposable
{
    private static readonly string[] Classes = ["background", "circle", "square", "triangle"];
    private readonly string _run = Path.Combine(Path.GetTempPath(), $"cloudseg-run-{Guid.NewGuid():N}");

    [Fact]
    public async Task A_training_output_folder_exports_with_its_classes_metrics_and_data_digest()
    {
        using (var model = MaskRcnnExportTests.RandomModel(MaskRcnnExportTests.TinyOptions(), seed: 3))
            Checkpoint.Save(Path.Combine(_run, Trainer.FinalModelFolder), model, null,
                new CheckpointInfo(40, 40, model.Options, new TrainerOptions(), Classes, Checkpoint.CaptureRngState(), 12.5));
        await File.WriteAllTextAsync(Path.Combine(_run, TrainingRun.EvaluationFileName),
            """{"bbox": {"AP": 0.61, "AP50": 0.9, "AP75": 0.7, "APs": -1, "APm": 0.5, "APl": 0.65, "AR1": 0.3}, "segm_rescored": {"AP": 0.77}}""");
        var annotations = Path.Combine(_run, "annotations.json");
        await File.WriteAllTextAsync(annotations, """{"images": [], "annotations": [], "categories": []}""");
        var output = Path.Combine(_run, "package");

        var result = await CheckpointExport.ExportAsync(
            new CheckpointExportRequest(_run, output, Name: "shapes", TrainingData: _run), CancellationToken.None);

        Assert.Equal(Path.Combine(_run, Trainer.FinalModelFolder), result.CheckpointDirectory);
        Assert.Equal("cloudseg", result.Card.Format);
        Assert.Equal("shapes", result.Card.Name);
        Assert.EndsWith("-step40", result.Card.Version);
        Assert.Equal(Classes, result.Card.Classes);
        Assert.Equal(0.61, result.Card.Metrics!.Bbox!.Ap);
        Assert.Equal(0.77, result.Card.Metrics.SegmRescored!.Ap);
        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(annotations))), result.Card.Training!.DataDigest);
        Assert.False(string.IsNullOrEmpty(result.Card.Training.CodeVersion));
        var onnx = OnnxModelFile.Read(result.OnnxPath);
        Assert.Equal(["boxes", "labels", "scores", "masks", "mask_iou"], onnx.Graph.Output.Select(o => o.Name));
        Assert.Contains(onnx.MetadataProps, p => p.Key == "cloudseg.format" && p.Value == "cloudseg");
        Assert.Equal(Classes, ModelCard.Read(result.CardPath).Classes);
    }

    [Fact]
    public async Task Verification_runs_images_through_checkpoint_and_package_and_finds_them_alike()
    {
        var imagePath = await SaveRandomCheckpointAndProbeAsync();

        var result = await CheckpointExport.ExportAsync(
            new CheckpointExportRequest(_run, Path.Combine(_run, "package"), VerifyImages: [imagePath]), CancellationToken.None);

        var check = Assert.Single(result.Checks);
        Assert.Equal("probe.png", check.Image);
        Assert.InRange(check.TorchSharpInstances, 5, 100);
        Assert.True(check.Agrees, check.ToString());
    }

    [Fact]
    public async Task The_inference_proposal_count_and_sampling_ratio_are_baked_into_the_graph_recorded_and_verified()
    {
        var imagePath = await SaveRandomCheckpointAndProbeAsync();
        var package = Path.Combine(_run, "package");

        var result = await CheckpointExport.ExportAsync(
            new CheckpointExportRequest(_run, package, VerifyImages: [imagePath], RpnPostNmsTopN: 7, SamplingRatio: 1), CancellationToken.None);
        // A package re-exported without the options keeps the settings its graph records.
        var again = await CheckpointExport.ExportAsync(
            new CheckpointExportRequest(package, Path.Combine(_run, "again"), VerifyImages: [imagePath]), CancellationToken.None);

        // 7 proposals cap the detections at 7 per class (the tiny random model keeps 5–100 with its own 300).
        var check = Assert.Single(result.Checks);
        Assert.True(check.Agrees, check.ToString());
        Assert.InRange(check.OnnxInstances, 1, 7 * (Classes.Length - 1));
        var recorded = ExportedGraphWeights.RecordedOptions(OnnxModelFile.Read(result.OnnxPath), Classes.Length)!;
        Assert.Equal((7, 1), (recorded.Rpn.PostNmsTopNTest, recorded.RoIHeads.InferenceSamplingRatio));
        Assert.Contains(OnnxModelFile.Read(result.OnnxPath).Graph.Node,
            n => n.OpType == "RoiAlign" && n.Attribute.Single(a => a.Name == "sampling_ratio").I == 1);
        Assert.Equal(300, Checkpoint.ReadInfo(_run).MaskRcnn.Rpn.PostNmsTopNTest);
        Assert.Equal(check.OnnxInstances, Assert.Single(again.Checks).OnnxInstances);
        recorded = ExportedGraphWeights.RecordedOptions(OnnxModelFile.Read(again.OnnxPath), Classes.Length)!;
        Assert.Equal((7, 1), (recorded.Rpn.PostNmsTopNTest, recorded.RoIHeads.InferenceSamplingRatio));
        await Assert.ThrowsAsync<ArgumentException>(() => CheckpointExport.ExportAsync(
            new CheckpointExportRequest(_run, Path.Combine(_run, "zero"), RpnPostNmsTopN: 0), CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => CheckpointExport.ExportAsync(
            new CheckpointExportRequest(_run, Path.Combine(_run, "zero"), SamplingRatio: 0), CancellationToken.None));
    }

    [Fact]
    public async Task A_folder_without_a_checkpoint_is_refused_with_a_clear_message()
    {
        Directory.CreateDirectory(_run);

        var error = await Assert.ThrowsAsync<DirectoryNotFoundException>(() =>
            CheckpointExport.ExportAsync(new CheckpointExportRequest(_run, Path.Combine(_run, "package")), CancellationToken.None));

        Assert.Contains("checkpoint.json", error.Message);
        Assert.False(Directory.Exists(Path.Combine(_run, "package")));
    }

    /// <summary>A random tiny model's checkpoint in the run folder and a smooth picture to verify its export on.</summary>
    private async Task<string> SaveRandomCheckpointAndProbeAsync()
    {
        using (var model = MaskRcnnExportTests.RandomModel(MaskRcnnExportTests.TinyOptions(), seed: 3))
            Checkpoint.Save(_run, model, null,
                new CheckpointInfo(1, 1, model.Options, new TrainerOptions(), Classes, Checkpoint.CaptureRngState(), 1));
        var imagePath = Path.Combine(_run, "probe.png");
        using (var image = MaskRcnnExportTests.SmoothImage(70, 90, seed: 8))
            await File.WriteAllBytesAsync(imagePath, ImageEncoder.Png(ModelPackageExportTests.RgbFrom(image)));
        return imagePath;
    }

    public void Dispose()
    {
        if (Directory.Exists(_run)) Directory.Delete(_run, recursive: true);
    }
}
