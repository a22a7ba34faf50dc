using static TorchSharp.torch;

namespace CloudSeg.Training.Backbone;

/// <summary>
/// What a <see cref="ResNetDepth"/> builds: blocks per stage (layer1–layer4), the block type, and where strided
/// convolutions and the stem's max pool pad. torchvision pads k/2 on every side; the CNTK export of ML.NET's ImageNet
/// ResNet-18 (NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18) pads k/2 at the start and one less at the end, which
/// gives the same output size on even inputs but shifts every sampling grid by one pixel — its weights only reproduce
/// its features with its own padding.
/// </summary>
public sealed record ResNetLayout(int[] BlockCounts, bool Bottleneck, bool PadsLessAtEnd)
{
    public static ResNetLayout Of(ResNetDepth depth) => depth switch
    {
        ResNetDepth.ResNet18 => new([2, 2, 2, 2], false, false),
        ResNetDepth.ResNet34 => new([3, 4, 6, 3], false, false),
        ResNetDepth.ResNet50 => new([3, 4, 6, 3], true, false),
        ResNetDepth.ResNet101 => new([3, 4, 23, 3], true, false),
        // Read from the file: 22 convolutions, layer4 has a third block.
        ResNetDepth.ResNet18Cntk => new([2, 2, 2, 3], false, true),
        _ => throw new ArgumentOutOfRangeException(nameof(depth)),
    };

    /// <summary>
    /// The depth whose blocks a state dict holds (names "<paramref name="prefix"/>layer1.0.conv1.weight"
    /// …), or null with the blocks per stage it found.
    /// </summary>
    public static ResNetDepth? DepthOf(Func<string, bool> hasTensor, string prefix, out string found)
    {
        int Blocks(int layer) => Enumerable.Range(0, 64).TakeWhile(b => hasTensor($"{prefix}layer{layer}.{b}.conv1.weight")).Count();
        int[] counts = [Blocks(1), Blocks(2), Blocks(3), Blocks(4)];
        bool bottleneck = hasTensor($"{prefix}layer1.0.conv3.weight");
        found = $"{string.Join("/", counts)} {(bottleneck ? "bottleneck" : "basic")} blocks per stage";
        return Enum.GetValues<ResNetDepth>().Where(d => Of(d) is var layout && layout.Bottleneck == bottleneck && layout.BlockCounts.SequenceEqual(counts))
            .Select(d => (ResNetDepth?)d).FirstOrDefault();
    }

    /// <summary>Padding (start, end) of one spatial axis for a <paramref name="kernel"/>-wide window at <paramref name="stride"/>.</summary>
    public (long Start, long End) Padding(long kernel, long stride) =>
        PadsLessAtEnd && stride > 1 ? (kernel / 2, kernel / 2 - 1) : (kernel / 2, kernel / 2);

    /// <summary>
    /// The padding a module's own (symmetric) padding cannot express, applied before it; the module then pads
    /// <see cref="ModulePadding"/>. <paramref name="fill"/> is -∞ for max pooling, so padding never wins the max.
    /// </summary>
    public Tensor PadInput(Tensor input, long kernel, long stride, double fill = 0)
    {
        var (start, end) = Padding(kernel, stride);
        return start == end ? input.alias() : nn.functional.pad(input, [start, end, start, end], value: fill);
    }

    /// <summary>The symmetric padding the convolution or pool itself applies (0 when <see cref="PadInput"/> did it).</summary>
    public long ModulePadding(long kernel, long stride)
    {
        var (start, end) = Padding(kernel, stride);
        return start == end ? start : 0;
    }
}
