using System.Text.Json;
using CloudSeg.Core.Coco;
using CloudSeg.Evaluation.Coco;

namespace CloudSeg.Evaluation.Results;

/// <summary>
/// Loads detections to evaluate: a COCO results file (a JSON array), or a folder of per-image JSON files as
/// <c>cloudseg segment</c> writes them. In a folder, <c>&lt;stem&gt;.json</c> belongs to the ground-truth image whose
/// <c>file_name</c> has the same stem (so the segmenter never needs to know dataset image ids); a file whose stem
/// matches no image keeps the <c>image_id</c> written in it.
/// </summary>
public static class DetectionResultsLoader
{
    public static async Task<LoadedResults> LoadAsync(string path, CocoDataset groundTruth, CancellationToken cancellationToken = default)
    {
        if (File.Exists(path))
        {
            await using var stream = File.OpenRead(path);
            return new LoadedResults(await ReadResultsAsync(stream, path, cancellationToken), FileCount: 1, UnmatchedFiles: []);
        }
        if (!Directory.Exists(path))
        {
            throw new FileNotFoundException($"Results not found: {path} is neither a JSON file nor a folder.", path);
        }

        var imageIdsByStem = ImageIdsByStem(groundTruth);
        var results = new List<CocoResult>();
        var unmatched = new List<string>();
        var files = Directory.EnumerateFiles(path, "*.json").Order(StringComparer.Ordinal).ToArray();
        foreach (var file in files)
        {
            await using var stream = File.OpenRead(file);
            var fileResults = await ReadResultsAsync(stream, file, cancellationToken);
            if (imageIdsByStem.TryGetValue(Path.GetFileNameWithoutExtension(file), out var imageId))
            {
                results.AddRange(fileResults.Select(r => r with { ImageId = imageId }));
            }
            else
            {
                unmatched.Add(Path.GetFileName(file));
                results.AddRange(fileResults);
            }
        }
        return new LoadedResults(results, files.Length, unmatched);
    }

    /// <summary>Ground-truth image ids by file-name stem; a stem shared by several images cannot be mapped and is left out.</summary>
    private static Dictionary<string, long> ImageIdsByStem(CocoDataset groundTruth) =>
        groundTruth.Images
            .GroupBy(i => Path.GetFileNameWithoutExtension(i.FileName), StringComparer.Ordinal)
            .Where(g => g.Count() == 1)
            .ToDictionary(g => g.Key, g => g.Single().Id, StringComparer.Ordinal);

    /// <summary>A JSON array of results, or an object holding one under "results", "instances" or "detections".</summary>
    private static async Task<IReadOnlyList<CocoResult>> ReadResultsAsync(Stream stream, string name, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{name} is not valid JSON: {e.Message}", e);
        }
        using (document)
        {
            var array = document.RootElement.ValueKind == JsonValueKind.Array
                ? document.RootElement
                : FindResultsArray(document.RootElement)
                  ?? throw new InvalidDataException($"{name} holds neither a JSON array of results nor an object with a \"results\" array.");
            using var buffer = new MemoryStream();
            await using (var writer = new Utf8JsonWriter(buffer))
            {
                array.WriteTo(writer);
            }
            buffer.Position = 0;
            try
            {
                return CocoResultsJson.Read(buffer);
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{name} holds malformed COCO results: {e.Message}", e);
            }
        }
    }

    private static JsonElement? FindResultsArray(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        foreach (var name in new[] { "results", "instances", "detections" })
        {
            if (root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array)
            {
                return value;
            }
        }
        return null;
    }
}

/// <summary>Detections read for evaluation, and which per-image files could not be mapped to a ground-truth image by name.</summary>
public sealed record LoadedResults(IReadOnlyList<CocoResult> Results, int FileCount, IReadOnlyList<string> UnmatchedFiles);
