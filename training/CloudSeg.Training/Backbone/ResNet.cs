using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CloudSeg.Training.Backbone;

/// <summary>
/// The ResNet trunk without its classifier (torchvision's IntermediateLayerGetter keeps conv1 … layer4), returning
/// the outputs of layer1–layer4: C2–C5 at strides 4, 8, 16, 32, which the FPN turns into P2–P5.
/// <paramref name="baseWidth"/> 64 is the standard ResNet; narrower widths keep the same layout and names for small
/// models (a 20 MB ONNX budget does not fit a full ResNet-18 with heads). <paramref name="stages"/> 3 stops after
/// layer3 (C2–C4): a full-width ImageNet ResNet-18 then fits that budget, since layer4 holds three quarters of its
/// weights and at 128 px sees only 4×4 cells.
/// </summary>
public sealed class ResNet : nn.Module<Tensor, Tensor[]>
{
    // Field names are torchvision's parameter names (backbone.body.*).
    readonly Conv2d conv1;
    readonly nn.Module<Tensor, Tensor> bn1;
    readonly Sequential layer1, layer2, layer3;
    readonly Sequential? layer4;
    readonly ResNetLayout layout;

    public ResNet(ResNetDepth depth, NormLayer norm, int baseWidth = 64, int stages = 4) : base(nameof(ResNet))
    {
        if (stages is not (3 or 4)) throw new ArgumentException($"A ResNet backbone keeps 3 or 4 stages, not {stages}.");
        layout = ResNetLayout.Of(depth);
        var (blockCounts, bottleneck) = (layout.BlockCounts, layout.Bottleneck);
        int expansion = bottleneck ? Bottleneck.Expansion : BasicBlock.Expansion;

        conv1 = nn.Conv2d(3, baseWidth, 7, stride: 2, padding: layout.ModulePadding(7, 2), bias: false);
        bn1 = norm.Create(baseWidth);
        long inChannels = baseWidth;
        Sequential MakeLayer(long planes, int blocks, long stride)
        {
            var modules = new List<(string, nn.Module<Tensor, Tensor>)>();
            for (int i = 0; i < blocks; i++)
            {
                modules.Add((i.ToString(), bottleneck
                    ? new Bottleneck(inChannels, planes, i == 0 ? stride : 1, norm)
                    : new BasicBlock(inChannels, planes, i == 0 ? stride : 1, norm, layout)));
                inChannels = planes * expansion;
            }
            return nn.Sequential(modules);
        }
        layer1 = MakeLayer(baseWidth, blockCounts[0], 1);
        layer2 = MakeLayer(baseWidth * 2, blockCounts[1], 2);
        layer3 = MakeLayer(baseWidth * 4, blockCounts[2], 2);
        if (stages == 4) layer4 = MakeLayer(baseWidth * 8, blockCounts[3], 2);
        StageChannels = new long[] { 1, 2, 4, 8 }.Take(stages).Select(c => c * baseWidth * expansion).ToArray();
        RegisterComponents();
        InitializeWeights();
    }

    /// <summary>Channels of C2–C5 (C2–C4 with 3 stages).</summary>
    public IReadOnlyList<long> StageChannels { get; }

    public override Tensor[] forward(Tensor images)
    {
        using var scope = NewDisposeScope();
        var x = nn.functional.relu(bn1.call(conv1.call(layout.PadInput(images, 7, 2))));
        x = nn.functional.max_pool2d(layout.PadInput(x, 3, 2, double.NegativeInfinity), 3, stride: 2, padding: layout.ModulePadding(3, 2));
        var c2 = layer1.call(x);
        var c3 = layer2.call(c2);
        var c4 = layer3.call(c3);
        var outputs = layer4 is null ? new[] { c2, c3, c4 } : new[] { c2, c3, c4, layer4.call(c4) };
        foreach (var output in outputs) output.MoveToOuterDisposeScope();
        return outputs;
    }

    /// <summary>Freezes conv1 and the first <c>5 - trainableLayers</c> stages, as torchvision's trainable_layers does.</summary>
    public void FreezeLayers(int trainableLayers)
    {
        string[] stagesFromTop = { "layer4", "layer3", "layer2", "layer1", "conv1" };
        var trainable = stagesFromTop.Take(trainableLayers).ToHashSet();
        if (trainableLayers == 5) trainable.Add("bn1");
        foreach (var (name, parameter) in named_parameters())
            if (!trainable.Contains(name.Split('.')[0])) parameter.requires_grad = false;
    }

    void InitializeWeights()
    {
        // He initialisation for ReLU networks, fan-out, as torchvision's ResNet does.
        foreach (var module in modules())
            if (module is Conv2d conv)
                nn.init.kaiming_normal_(conv.weight!, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
    }
}

public enum ResNetDepth
{
    ResNet18,
    ResNet34,
    ResNet50,
    ResNet101,
    /// <summary>ImageNet ResNet-18 as ML.NET's DnnImageFeaturizer ships it (see <see cref="ResNetLayout"/>).</summary>
    ResNet18Cntk,
}
