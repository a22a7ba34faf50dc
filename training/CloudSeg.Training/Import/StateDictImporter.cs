using TorchSharp;
using static TorchSharp.torch;

namespace CloudSeg.Training.Import;

/// <summary>
/// Loads a state dict into a TorchSharp module by name, the way PyTorch's <c>load_state_dict(strict=False)</c> does,
/// but never fails half-way: entries with a different shape are skipped and reported instead of raising.
/// Our modules use torchvision's layout and parameter names, so a torchvision Mask R-CNN state dict loads directly.
/// BatchNorm's <c>num_batches_tracked</c> step counters are not weights (FrozenBatchNorm2d has none), so they are
/// copied when both sides have them and otherwise never reported.
/// </summary>
public static class StateDictImporter
{
    /// <summary>Reads a safetensors file and loads it into <paramref name="module"/> (see <see cref="Load(nn.Module, IReadOnlyDictionary{string, Tensor})"/>).</summary>
    public static StateDictImportReport LoadSafeTensors(nn.Module module, string path)
    {
        var tensors = SafeTensorsFile.Open(path).ReadAll();
        try
        {
            return Load(module, tensors);
        }
        finally
        {
            foreach (var tensor in tensors.Values) tensor.Dispose();
        }
    }

    /// <summary>Copies every same-named, same-shaped tensor into the module's parameters and buffers (converting dtype).</summary>
    public static StateDictImportReport Load(nn.Module module, IReadOnlyDictionary<string, Tensor> source)
    {
        var target = module.state_dict();
        List<string> loaded = [], missing = [];
        List<ShapeMismatch> mismatched = [];
        using (no_grad())
        {
            foreach (var (name, destination) in target)
            {
                if (!source.TryGetValue(name, out var stored))
                {
                    if (!IsStepCounter(name)) missing.Add(name);
                }
                else if (!stored.shape.SequenceEqual(destination.shape))
                    mismatched.Add(new ShapeMismatch(name, destination.shape, stored.shape));
                else
                {
                    destination.copy_(stored);
                    loaded.Add(name);
                }
            }
        }
        var unexpected = source.Keys.Where(name => !target.ContainsKey(name) && !IsStepCounter(name)).Order(StringComparer.Ordinal).ToList();
        return new StateDictImportReport(loaded, missing, unexpected, mismatched);
    }

    private static bool IsStepCounter(string name) => name.EndsWith(".num_batches_tracked", StringComparison.Ordinal);
}
