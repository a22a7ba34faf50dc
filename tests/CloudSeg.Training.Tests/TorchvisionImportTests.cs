using CloudSeg.Training.Backbone;
using CloudSeg.Training.Detection;
using CloudSeg.Training.Engine;
using CloudSeg.Training.Import;
using Microsoft.Extensions.Logging.Abstractions;
using static TorchSharp.torch;
using static CloudSeg.Training.Tests.ExportTestSupport;

namespace CloudSeg.Training.Tests;

/// <summary>
/// Transfer learning's first step: a torchvision Mask R-CNN state dict saved as safetensors by PyTorch
/// (tests/fixtures/export/make_tiny_maskrcnn_fixture.py) loads into our MaskRcnn by name, and our model then
/// detects exactly what torchvision detected.
/// </summary>
[Collection(TorchSharpRandomCollection.Name)]
public sealed class TorchvisionImportTests
{
    /// <summary>The fixture's architecture: torchvision's layout at 1/8 width, legacy (unaligned) RoIAlign, 3 classes.</summary>
    private static MaskRcnnOptions FixtureOptions(ResNetDepth depth, int numClasses = 3, bool maskIouHead = false) => new()
    {
        NumClasses = numClasses,
        Backbone = depth,
        BackboneWidth = 8,
        Norm = NormLayer.FrozenBatchNorm,
        FpnChannels = 16,
        MinSize = 96,
        MaxSize = 128,
        RoIHeads = new RoIHeadsOptions
        {
            RepresentationSize = 32, MaskLayerChannels = 16, MaskDimReduced = 16, AlignedRoIAlign = false,
            MaskIouHead = maskIouHead, MaskIouConvChannels = 16, MaskIouFcChannels = 32,
        },
    };

    [Theory]
    [InlineData("tiny-maskrcnn-basic", ResNetDepth.ResNet18)]
    [InlineData("tiny-maskrcnn-bottleneck", ResNetDepth.ResNet50)]
    public void Torchvision_weights_load_by_name_and_detect_what_torchvision_detected(string stem, ResNetDepth depth)
    {
        using var model = new MaskRcnn(FixtureOptions(depth));

        var report = StateDictImporter.LoadSafeTensors(model, Fixture($"{stem}.safetensors"));

        Assert.True(report.IsExact, report.ToString());
        model.eval();
        var reference = SafeTensorsFile.Open(Fixture($"{stem}.reference.safetensors")).ReadAll();
        for (var i = 0; reference.ContainsKey($"image.{i}"); i++)
        {
            var detections = model.Detect([reference[$"image.{i}"]])[0];
            var ours = new Dictionary<string, Tensor>
            {
                ["boxes"] = detections.Boxes, ["labels"] = detections.Labels, ["scores"] = detections.Scores, ["masks"] = detections.Masks,
            };
            AssertSameDetections($"image {i}", (reference[$"boxes.{i}"], reference[$"labels.{i}"], reference[$"scores.{i}"], reference[$"masks.{i}"], null), ours, 1e-3f);
        }
    }

    [Fact]
    public void Fine_tuning_on_other_classes_keeps_the_trunk_and_reports_the_class_specific_layers()
    {
        using var model = new MaskRcnn(FixtureOptions(ResNetDepth.ResNet18, numClasses: 5, maskIouHead: true));
        var before = model.state_dict()["roi_heads.box_predictor.cls_score.weight"].clone();

        var report = StateDictImporter.LoadSafeTensors(model, Fixture("tiny-maskrcnn-basic.safetensors"));

        Assert.Equal(new[]
        {
            "roi_heads.box_predictor.bbox_pred.bias", "roi_heads.box_predictor.bbox_pred.weight",
            "roi_heads.box_predictor.cls_score.bias", "roi_heads.box_predictor.cls_score.weight",
            "roi_heads.mask_predictor.mask_fcn_logits.bias", "roi_heads.mask_predictor.mask_fcn_logits.weight",
        }, report.Mismatched.Select(m => m.Name).Order());
        Assert.All(report.Missing, name => Assert.StartsWith("roi_heads.maskiou_head.", name));
        Assert.NotEmpty(report.Missing);
        Assert.Empty(report.Unexpected);
        Assert.Contains("backbone.body.layer4.1.conv2.weight", report.Loaded);
        // Mismatched layers keep their own initialisation.
        Assert.True(before.equal(model.state_dict()["roi_heads.box_predictor.cls_score.weight"]).all().item<bool>());
        var stored = SafeTensorsFile.Open(Fixture("tiny-maskrcnn-basic.safetensors")).ReadAll();
        Assert.True(stored["backbone.fpn.layer_blocks.2.0.weight"].equal(model.state_dict()["backbone.fpn.layer_blocks.2.0.weight"]).all().item<bool>());
    }

    [Fact]
    public void Batch_norm_step_counters_are_neither_missing_nor_unexpected()
    {
        using var model = new MaskRcnn(FixtureOptions(ResNetDepth.ResNet18) with { Norm = NormLayer.BatchNorm });

        var report = StateDictImporter.LoadSafeTensors(model, Fixture("tiny-maskrcnn-basic.safetensors"));

        Assert.True(report.IsExact, report.ToString());
    }

    [Fact]
    public void Fine_tuning_entry_refuses_weights_of_another_backbone()
    {
        using var model = new MaskRcnn(FixtureOptions(ResNetDepth.ResNet50));

        var error = Assert.Throws<InvalidDataException>(() =>
            PretrainedWeights.InitializeFrom(model, Fixture("tiny-maskrcnn-basic.safetensors"), NullLogger.Instance));

        Assert.Contains("backbone", error.Message);
    }

    [Fact]
    public void Fine_tuning_entry_accepts_other_classes_and_a_missing_maskiou_head()
    {
        using var model = new MaskRcnn(FixtureOptions(ResNetDepth.ResNet18, numClasses: 6, maskIouHead: true));

        var report = PretrainedWeights.InitializeFrom(model, Fixture("tiny-maskrcnn-basic.safetensors"), NullLogger.Instance);

        Assert.Equal(6, report.Mismatched.Count);
        Assert.Empty(report.Unexpected);
    }

    [Fact]
    public async Task Fine_tuning_from_torchvision_weights_trains_the_heads_and_upper_stages_only()
    {
        using var model = new MaskRcnn(FixtureOptions(ResNetDepth.ResNet18, maskIouHead: true));
        PretrainedWeights.InitializeFrom(model, Fixture("tiny-maskrcnn-basic.safetensors"), NullLogger.Instance);
        var loaded = model.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
        var output = Directory.CreateTempSubdirectory("cloudseg-finetune-").FullName;
        var losses = new List<IReadOnlyDictionary<string, double>>();
        try
        {
            var options = new TrainerOptions { Steps = 3, BatchSize = 2, LearningRate = 0.01, WarmupSteps = 1, CheckpointEvery = 100 };
            await new Trainer(options, NullLogger<Trainer>.Instance).TrainAsync(model, new SyntheticBatches(2, 2),
                ["__background__", "rectangle", "disc"], output, null, new LossRecorder(losses), CancellationToken.None);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }

        Assert.Equal(3, losses.Count);
        Assert.All(losses.SelectMany(l => l.Values), loss => Assert.True(double.IsFinite(loss)));
        var after = model.state_dict();
        bool Unchanged(string name) => loaded[name].equal(after[name]).all().item<bool>();
        // torchvision's fine-tuning default (3 trainable stages): conv1 and layer1 stay as loaded, the rest learns.
        Assert.True(Unchanged("backbone.body.conv1.weight") && Unchanged("backbone.body.layer1.0.conv1.weight"));
        Assert.False(Unchanged("backbone.body.layer4.0.conv1.weight"));
        Assert.False(Unchanged("roi_heads.box_predictor.cls_score.weight"));
    }

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", "export", name);

    /// <summary>Records each step's losses on the trainer's thread (Progress&lt;T&gt; would post them later).</summary>
    private sealed class LossRecorder(List<IReadOnlyDictionary<string, double>> losses) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => losses.Add(value.Losses);
    }
}
