using System.Security.Cryptography;
using CloudSeg.Inference;
using CloudSeg.ModelCards;
using CloudSeg.Training.Detection;
using CloudSeg.Training.Export;
using static TorchSharp.torch;

namespace CloudSeg.Training.Import;

/// <summary>What to pull: a known torchvision model, from its URL, another URL (a mirror) or a local file.</summary>
public sealed record ModelPullRequest(string Model, string OutputDirectory, Uri? Url = null, string? File = null);

/// <summary>The package written, and where its weights came from.</summary>
public sealed record ModelPullResult(string PackageDirectory, string WeightsPath, ModelCard Card, StateDictImportReport Import);

/// <summary>
/// <c>cloudseg models pull</c>: torchvision's COCO weights to our model package without Python. Fetches the .pth
/// (resumable), checks the SHA-256 prefix torchvision puts in its file names, reads the state dict
/// (<see cref="PyTorchStateDictFile"/>), loads it into our Mask R-CNN built as torchvision builds the model — every
/// tensor must match by name and shape — and exports model.onnx + model.card.json with the COCO names and
/// torchvision's published AP.
/// </summary>
public sealed class TorchvisionModelPull(HttpClient http)
{
    public async Task<ModelPullResult> PullAsync(ModelPullRequest request, IProgress<(long Done, long? Total)>? download,
        CancellationToken cancellationToken)
    {
        var model = TorchvisionCocoModel.Find(request.Model);
        Directory.CreateDirectory(request.OutputDirectory);

        string weightsPath;
        if (request.File is not null)
        {
            if (!System.IO.File.Exists(request.File)) throw new FileNotFoundException($"{request.File} not found.", request.File);
            weightsPath = request.File;
        }
        else
        {
            var url = request.Url ?? model.Url;
            weightsPath = Path.Combine(request.OutputDirectory, Path.GetFileName(url.AbsolutePath));
            if (!System.IO.File.Exists(weightsPath))
            {
                await new ResumableDownload(http).DownloadAsync(url, weightsPath, download, cancellationToken);
                try { await CheckDigestAsync(weightsPath, cancellationToken); }
                catch (InvalidDataException)
                {
                    System.IO.File.Delete(weightsPath);   // a bad download must not be mistaken for a good one next time
                    throw;
                }
            }
        }
        await CheckDigestAsync(weightsPath, cancellationToken);

        var state = PyTorchStateDictFile.Read(weightsPath);
        using var maskRcnn = new MaskRcnn(model.Options);
        StateDictImportReport report;
        try
        {
            report = StateDictImporter.Load(maskRcnn, state);
        }
        finally
        {
            foreach (var tensor in state.Values) tensor.Dispose();
        }
        if (!report.IsExact)
            throw new InvalidDataException($"{weightsPath} is not a {model.Name} state dict: {report}");
        maskRcnn.eval();

        var version = $"{model.Name.Split('/')[^1]}-{Path.GetFileNameWithoutExtension(weightsPath).Split('-')[^1]}";
        var description = new ModelPackageDescription(model.Name, version, TorchvisionCocoModel.CocoClasses, model.Metrics,
            CodeVersion: $"cloudseg models pull from {Path.GetFileName(weightsPath)}", TrainedAt: DateTimeOffset.UtcNow);
        var card = ModelPackageExporter.Export(maskRcnn, description, request.OutputDirectory);
        return new ModelPullResult(request.OutputDirectory, weightsPath, card, report);
    }

    /// <summary>
    /// torchvision names its files "&lt;name&gt;-&lt;hash prefix&gt;.pth", the prefix being the first hex digits of the
    /// file's SHA-256 (torch.hub's check_hash); a file named otherwise has nothing to check against.
    /// </summary>
    public static async Task CheckDigestAsync(string path, CancellationToken cancellationToken)
    {
        var stem = Path.GetFileNameWithoutExtension(path);
        var dash = stem.LastIndexOf('-');
        var prefix = dash < 0 ? "" : stem[(dash + 1)..];
        if (prefix.Length < 6 || !prefix.All(Uri.IsHexDigit))
            throw new InvalidDataException($"{path}: the name carries no SHA-256 prefix (torchvision names files <name>-<sha256 prefix>.pth); keep the original file name.");
        await using var stream = System.IO.File.OpenRead(path);
        var digest = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
        if (!digest.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"{path}: SHA-256 {digest[..prefix.Length]}… does not match the {prefix} in its name (corrupt or incomplete download).");
    }
}
