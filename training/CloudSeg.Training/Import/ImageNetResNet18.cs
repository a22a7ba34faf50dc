using CloudSeg.Onnx;
using CloudSeg.Training.Backbone;
using static TorchSharp.torch;

namespace CloudSeg.Training.Import;

/// <summary>
/// The ImageNet-trained ResNet-18 of NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18 (MIT), which the build restores
/// and copies next to the assemblies (the package's own build props): ResNet18.onnx, a CNTK export (opset 8,
/// 3×224×224 in, the 512-d average-pooled layer4 out), and ResNetPreprocess.onnx, its input normalisation (RGB 0–255
/// → BGR minus a per-pixel mean image). The weights come out as a state dict of our <see cref="ResNet"/> built as
/// <see cref="ResNetDepth.ResNet18Cntk"/>, whose layout follows the file (<see cref="ResNetLayout"/>).
/// </summary>
public static class ImageNetResNet18
{
    public static readonly string ModelPath = Path.Combine(AppContext.BaseDirectory, "DnnImageModels", "ResNet18Onnx", "ResNet18.onnx");
    public static readonly string PreprocessPath = Path.Combine(AppContext.BaseDirectory, "DnnImageModels", "ResNetPrepOnnx", "ResNetPreprocess.onnx");
    private const string MeanImageName = "MeanImage";
    private const double BatchNormEpsilon = 1e-5;

    /// <summary>
    /// The backbone's state dict in torchvision's names relative to the ResNet (conv1.weight, layer4.2.bn2.bias, …).
    /// Convolutions and batch norms are mapped by the graph's structure, in graph order: the stem is the first
    /// convolution; each residual Add closes the next block (layer1.0, layer1.1, …, layer4.2), its branch of two
    /// conv + BN pairs giving conv1/bn1 and conv2/bn2 and a conv + BN on its other input the projection
    /// ("downsample"). The stem's weights are reordered from the file's BGR input to our RGB.
    /// </summary>
    public static Dictionary<string, Tensor> ReadStateDict(string modelPath)
    {
        var graph = ReadGraph(modelPath);
        var initializers = ExportedGraphWeights.ReadInitializers(graph);
        var producers = graph.Node.SelectMany(n => n.Output.Select(o => (Output: o, Node: n))).ToDictionary(p => p.Output, p => p.Node);
        var state = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            NodeProto? Producer(string output) => producers.GetValueOrDefault(output);
            Tensor Initializer(string name) => initializers.TryGetValue(name, out var t)
                ? t : throw new InvalidDataException($"{modelPath}: initializer {name} is not a float tensor of the file.");
            void ConvWithNorm(NodeProto norm, string conv, string bn)
            {
                if (Producer(norm.Input[0]) is not { OpType: "Conv" } convNode)
                    throw new InvalidDataException($"{modelPath}: batch norm {norm.Name} does not follow a convolution.");
                float epsilon = norm.Attribute.FirstOrDefault(a => a.Name == "epsilon")?.F ?? 1e-5f;
                if (Math.Abs(epsilon - BatchNormEpsilon) > 1e-9)
                    throw new InvalidDataException($"{modelPath}: batch norm ε {epsilon} differs from the backbone's {BatchNormEpsilon}.");
                state[$"{conv}.weight"] = Initializer(convNode.Input[1]);
                state[$"{bn}.weight"] = Initializer(norm.Input[1]);
                state[$"{bn}.bias"] = Initializer(norm.Input[2]);
                state[$"{bn}.running_mean"] = Initializer(norm.Input[3]);
                state[$"{bn}.running_var"] = Initializer(norm.Input[4]);
            }

            var stem = graph.Node.FirstOrDefault(n => n.OpType == "Conv")
                ?? throw new InvalidDataException($"{modelPath}: the graph has no convolution.");
            ConvWithNorm(graph.Node.First(n => n.OpType == "BatchNormalization" && n.Input[0] == stem.Output[0]), "conv1", "bn1");

            var blocks = ResNetLayout.Of(ResNetDepth.ResNet18Cntk).BlockCounts
                .SelectMany((count, stage) => Enumerable.Range(0, count).Select(block => $"layer{stage + 1}.{block}")).ToList();
            var adds = graph.Node.Where(n => n.OpType == "Add").ToList();
            if (adds.Count != blocks.Count)
                throw new InvalidDataException($"{modelPath}: {adds.Count} residual additions where the layout has {blocks.Count} blocks.");
            foreach (var (add, block) in adds.Zip(blocks))
                foreach (var input in add.Input)
                {
                    if (Producer(input) is not { OpType: "BatchNormalization" } norm) continue;   // the identity shortcut
                    // The branch's second conv reads relu(bn(conv(x))); the projection reads the block input.
                    if (Producer(Producer(norm.Input[0])!.Input[0]) is { OpType: "Relu" } relu
                        && Producer(relu.Input[0]) is { OpType: "BatchNormalization" } firstNorm)
                    {
                        ConvWithNorm(norm, $"{block}.conv2", $"{block}.bn2");
                        ConvWithNorm(firstNorm, $"{block}.conv1", $"{block}.bn1");
                    }
                    else ConvWithNorm(norm, $"{block}.downsample.0", $"{block}.downsample.1");
                }

            // The file's convolution reads BGR; ours reads RGB.
            state["conv1.weight"] = state["conv1.weight"].flip(1);
            var used = new HashSet<Tensor>(state.Values, ReferenceEqualityComparer.Instance);
            foreach (var tensor in initializers.Values.Where(t => !used.Contains(t))) tensor.Dispose();
            return state;
        }
        catch
        {
            foreach (var tensor in initializers.Values) tensor.Dispose();
            foreach (var tensor in state.Values) tensor.Dispose();
            throw;
        }
    }

    /// <summary>The preprocessing's mean image in RGB order, 0–255, [3, 224, 224].</summary>
    public static Tensor ReadMeanImage(string preprocessPath)
    {
        var initializers = ExportedGraphWeights.ReadInitializers(ReadGraph(preprocessPath));
        try
        {
            if (!initializers.TryGetValue(MeanImageName, out var mean))
                throw new InvalidDataException($"{preprocessPath}: no {MeanImageName} initializer.");
            return mean[0].flip(0);   // stored BGR
        }
        finally
        {
            foreach (var tensor in initializers.Values) tensor.Dispose();
        }
    }

    /// <summary>
    /// The normalisation detection uses, for images of any size: the mean image's average per channel (RGB, in [0, 1])
    /// and a standard deviation of 1/255, i.e. the file's 0–255 scale. The mean image varies by about ±10 grey levels
    /// around it; the backbone's features barely notice (the featurizer test measures it).
    /// </summary>
    public static (double[] Mean, double[] Std) ReadNormalisation(string preprocessPath)
    {
        using var mean = ReadMeanImage(preprocessPath);
        using var perChannel = mean.mean([1, 2]) / 255.0;
        return (perChannel.data<float>().Select(v => (double)v).ToArray(), [1 / 255.0, 1 / 255.0, 1 / 255.0]);
    }

    private static GraphProto ReadGraph(string path) => File.Exists(path)
        ? OnnxModelFile.Read(path).Graph
        : throw new FileNotFoundException(
            $"{path} is missing: it comes from NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18, which the build restores and copies next to the program; rebuild.", path);
}
