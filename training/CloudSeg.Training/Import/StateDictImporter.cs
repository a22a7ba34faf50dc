using TorchSharp;
using static TorchSharp.torch;

namespace CloudSeg.Training.Import;

/// <summary>
/// Loads a state dict into a TorchSharp module by name, the way PyTorch's <c>load_state_dict(strict=False)</c> does,
/// but never fails half-way: entries with a different shape are skipped and reported instead of raising.
/// Our modules use torchvision's layout and parameter names, so a torchvision Mask R-CNN state dict loads directly.
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
                    missing.Add(name);
                else if (!stored.shape.SequenceEqual(destination.shape))
                    mismatched.Add(new ShapeMismatch(name, destination.shape, stored.shape));
                else
                {
                    destination.copy_(stored);
                    loaded.Add(name);
                }
            }
        }
        var unexpected = source.Keys.Where(name => !target.ContainsKey(name)).Order(StringComparer.Ordinal).ToList();
        return new StateDictImportReport(loaded, missing, unexpected, mismatched);
    }
}
