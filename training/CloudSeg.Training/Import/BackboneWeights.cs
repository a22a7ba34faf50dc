using CloudSeg.Training.Backbone;
using CloudSeg.Training.Detection;
using CloudSeg.Training.Yolact;
using static TorchSharp.torch;

namespace CloudSeg.Training.Import;

/// <summary>
/// An ImageNet-trained ResNet to start the backbone from (<c>cloudseg train --backbone-weights imagenet|FILE</c>), as
/// the Mask R-CNN paper does: <c>imagenet</c> is the ResNet-18 the build restores (<see cref="ImageNetResNet18"/>);
/// a file is a torchvision-layout ResNet state dict (.pth written by torch.save in either serialisation, or .safetensors), whose depth and
/// width are read from its names and shapes. The weights also fix the input normalisation they were trained with.
/// </summary>
public sealed class BackboneWeights : IDisposable
{
    public const string ImageNet = "imagenet";
    public const string BodyPrefix = "backbone.body.";
    private const string ClassifierPrefix = "fc.", Layer4Prefix = "layer4.";

    // torchvision's ImageNet normalisation (the default of MaskRcnnOptions, which its weights expect).
    private static readonly double[] TorchvisionMean = [0.485, 0.456, 0.406], TorchvisionStd = [0.229, 0.224, 0.225];

    private readonly Dictionary<string, Tensor> _state;

    private BackboneWeights(string source, ResNetDepth depth, int width, double[] mean, double[] std, Dictionary<string, Tensor> state)
    {
        Source = source;
        Depth = depth;
        Width = width;
        ImageMean = mean;
        ImageStd = std;
        _state = state;
    }

    public string Source { get; }
    public ResNetDepth Depth { get; }
    public int Width { get; }
    public double[] ImageMean { get; }
    public double[] ImageStd { get; }

    /// <summary>Reads <paramref name="source"/>: "imagenet", or a .pth / .safetensors file.</summary>
    public static BackboneWeights Open(string source)
    {
        if (source.Equals(ImageNet, StringComparison.OrdinalIgnoreCase))
        {
            var (mean, std) = ImageNetResNet18.ReadNormalisation(ImageNetResNet18.PreprocessPath);
            var imagenet = ImageNetResNet18.ReadStateDict(ImageNetResNet18.ModelPath);
            return new BackboneWeights(ImageNet, ResNetDepth.ResNet18Cntk, (int)imagenet["conv1.weight"].shape[0], mean, std, imagenet);
        }
        if (!File.Exists(source)) throw new FileNotFoundException($"Backbone weights {source} not found (use '{ImageNet}' or a .pth / .safetensors file).", source);
        var state = Path.GetExtension(source).ToLowerInvariant() switch
        {
            ".safetensors" => SafeTensorsFile.Open(source).ReadAll(),
            ".pth" or ".pt" => PyTorchStateDictFile.Read(source),
            var other => throw new ArgumentException($"{source}: backbone weights must be a .pth or .safetensors file, not '{other}'."),
        };
        try
        {
            var (depth, width) = Describe(source, state);
            return new BackboneWeights(source, depth, width, TorchvisionMean, TorchvisionStd, state);
        }
        catch
        {
            foreach (var tensor in state.Values) tensor.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The model options for these weights: their depth, width and normalisation, frozen batch norm (detection batches
    /// are too small for batch statistics) and <paramref name="trainableLayers"/> of conv1, layer1 … layer4 trainable
    /// (counted from layer4): torchvision's fine-tuning recipe, whose default is 3.
    /// </summary>
    public MaskRcnnOptions Apply(MaskRcnnOptions options, int trainableLayers) => options with
    {
        Backbone = Depth, BackboneWidth = Width, Norm = NormLayer.FrozenBatchNorm, TrainableBackboneLayers = Trainable(trainableLayers),
        ImageMean = ImageMean, ImageStd = ImageStd,
    };

    /// <summary>The same for a YOLACT, whose backbone is the same <see cref="BackboneWithFpn"/>.</summary>
    public YolactOptions Apply(YolactOptions options, int trainableLayers) => options with
    {
        Backbone = Depth, BackboneWidth = Width, Norm = NormLayer.FrozenBatchNorm, TrainableBackboneLayers = Trainable(trainableLayers),
        ImageMean = ImageMean, ImageStd = ImageStd,
    };

    private static int Trainable(int layers) =>
        layers is >= 0 and <= 5 ? layers : throw new ArgumentException($"Trainable backbone layers must be 0–5, not {layers}.");

    /// <summary>
    /// Copies the weights into the model's backbone body (the ResNet's names under <paramref name="prefix"/>; "" for a
    /// bare <see cref="ResNet"/>). Every body tensor must come from the file, and the file may hold nothing else but the
    /// ImageNet classifier (fc.*) and, for a body cut after layer3 (MaskRcnnOptions.BackboneStages 3), layer4;
    /// otherwise the file is refused with the names that differ.
    /// </summary>
    public StateDictImportReport LoadInto(nn.Module model, string prefix = BodyPrefix)
    {
        bool hasLayer4 = model.named_parameters().Any(p => p.name.StartsWith(prefix + Layer4Prefix, StringComparison.Ordinal));
        var prefixed = _state.Where(p => !p.Key.StartsWith(ClassifierPrefix, StringComparison.Ordinal)
                && (hasLayer4 || !p.Key.StartsWith(Layer4Prefix, StringComparison.Ordinal)))
            .ToDictionary(p => prefix + p.Key, p => p.Value, StringComparer.Ordinal);
        var report = StateDictImporter.Load(model, prefixed);
        var missing = report.Missing.Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        if (missing.Count > 0 || report.Unexpected.Count > 0 || report.Mismatched.Count > 0)
            throw new InvalidDataException(
                $"{Source} does not fit a {Depth} backbone of width {Width}: {missing.Count} missing ({string.Join(", ", missing.Take(5))}), " +
                $"{report.Unexpected.Count} unexpected ({string.Join(", ", report.Unexpected.Take(5))}), " +
                $"{report.Mismatched.Count} of another shape ({string.Join("; ", report.Mismatched.Take(3))}).");
        return report;
    }

    /// <summary>Depth from the blocks per stage and the block type, width from the stem.</summary>
    private static (ResNetDepth, int) Describe(string source, IReadOnlyDictionary<string, Tensor> state)
    {
        if (!state.TryGetValue("conv1.weight", out var stem))
            throw new InvalidDataException(
                $"{source} is not a torchvision ResNet state dict (no conv1.weight; names start with {string.Join(", ", state.Keys.Take(3))}).");
        var depth = ResNetLayout.DepthOf(state.ContainsKey, "", out var found)
            ?? throw new InvalidDataException($"{source}: a ResNet with {found} is no depth the trainer builds.");
        return (depth, (int)stem.shape[0]);
    }

    public void Dispose()
    {
        foreach (var tensor in _state.Values) tensor.Dispose();
    }
}
