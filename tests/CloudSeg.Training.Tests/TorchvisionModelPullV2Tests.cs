using CloudSeg.Training.Detection;
using CloudSeg.Training.Export;
using CloudSeg.Training.Import;
using static TorchSharp.torch;
using static CloudSeg.Training.Tests.ExportTestSupport;

namespace CloudSeg.Training.Tests;

/// <summary>
/// <c>cloudseg models pull torchvision/maskrcnn_resnet50_fpn_v2</c> on a seeded random-weights file written by
/// torchvision's own v2 builder (zip serialisation, batch norm with step counters): the package it makes must detect
/// what torchvision eager detects, and v1 and v2 files are not interchangeable.
/// </summary>
[Collection(TorchSharpRandomCollection.Name)]
public sealed class TorchvisionModelPullV2Tests(TorchvisionV2WeightsFile weights) : IClassFixture<TorchvisionV2WeightsFile>
{
    private const string V2 = "torchvision/maskrcnn_resnet50_fpn_v2";

    /// <summary>
    /// The full-size v2 on the 240×320 picture (resized to 800×1066): the two-conv RPN head, the FPN's, the box head's and
    /// the mask head's batch norms folded into the graph, the 4conv1fc box head, 100 detections.
    /// </summary>
    [Fact]
    public async Task The_pulled_v2_package_detects_what_torchvision_detected()
    {
        var output = Path.Combine(weights.Folder, "compared");
        using var server = new RangeFileServer(weights.WeightsPath);
        var progress = new List<(long, long?)>();

        var result = await new TorchvisionModelPull(new HttpClient()).PullAsync(new ModelPullRequest(V2, output, server.FileUri),
            new TorchvisionModelPullTests.SynchronousProgress<(long, long?)>(progress.Add), CancellationToken.None);

        Assert.True(result.Import.IsExact, result.Import.ToString());
        Assert.Equal(new FileInfo(weights.WeightsPath).Length, progress[^1].Item1);
        Assert.Equal((0.474, 0.418), (result.Card.Metrics!.Bbox!.Ap, result.Card.Metrics.Segm!.Ap));
        Assert.Equal(TorchvisionCocoModel.CocoClasses, result.Card.Classes);
        var hash = Path.GetFileNameWithoutExtension(weights.WeightsPath).Split('-')[^1];
        Assert.Equal($"maskrcnn_resnet50_fpn_v2-{hash}", result.Card.Version);
        TorchvisionModelPullTests.AssertDetectsWhatTorchvisionDetected(weights.Expected, output);
    }

    /// <summary>Our TorchSharp modules themselves (what fine-tuning from v2 would train), not only the exported graph.</summary>
    [Fact]
    public void Our_v2_model_with_the_file_loaded_detects_what_torchvision_detected()
    {
        using var scope = NewDisposeScope();
        using var model = new MaskRcnn(TorchvisionCocoModel.Find(V2).Options);
        var state = PyTorchStateDictFile.Read(weights.WeightsPath);
        var report = StateDictImporter.Load(model, state);
        Assert.True(report.IsExact, report.ToString());
        model.eval();
        var expected = SafeTensorsFile.Open(weights.Expected).ReadAll();

        var detections = model.Detect([expected["image"]])[0];

        AssertSameDetections("v2", (expected["boxes"], expected["labels"], expected["scores"], expected["masks"], null),
            new Dictionary<string, Tensor> { ["boxes"] = detections.Boxes, ["labels"] = detections.Labels, ["scores"] = detections.Scores, ["masks"] = detections.Masks },
            1e-3f);
    }

    [Fact]
    public async Task A_v2_file_pulled_as_v1_is_refused_with_the_missing_and_unexpected_names()
    {
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => new TorchvisionModelPull(new HttpClient())
            .PullAsync(new ModelPullRequest("torchvision/maskrcnn_resnet50_fpn", Path.Combine(weights.Folder, "as-v1"), File: weights.WeightsPath),
                null, CancellationToken.None));
        Assert.Contains("roi_heads.box_head.fc6.weight", error.Message);        // missing: v1's two-FC head
        Assert.Contains("roi_heads.box_head.0.0.weight", error.Message);        // unexpected: v2's conv head
        Assert.Contains("rpn.head.conv.1.0.weight", error.Message);             // unexpected: v2's second RPN conv
    }

    [Fact]
    public void The_v2_entry_is_torchvisions_published_file()
    {
        // torchvision 0.14, MaskRCNN_ResNet50_FPN_V2_Weights.COCO_V1: the url (its name carries the SHA-256 prefix) and _metrics.
        var model = TorchvisionCocoModel.Find(V2);
        Assert.Equal("https://download.pytorch.org/models/maskrcnn_resnet50_fpn_v2_coco-73cbd019.pth", model.Url.ToString());
        Assert.Equal("maskrcnn_resnet50_fpn_v2_coco-73cbd019.pth", model.FileName);
        Assert.Equal((0.474, 0.418), (model.BoxAp, model.MaskAp));
    }
}
