using System.Text.Json;
using System.Text.Json.Nodes;
using CloudSeg.Core.Coco;
using CloudSeg.Evaluation.Coco;

namespace CloudSeg.Evaluation.Results;

/// <summary>
/// Loads detections to evaluate: a COCO results file (a JSON array), or a folder of per-image JSON files such as
/// <c>cloudseg segment</c> writes, or a downloaded <c>results</c> container (<c>&lt;image&gt;/result.json</c>).
/// A per-image file holds a results array, or an object with one under "instances", "results" or "detections".
/// Its picture is named by the document's <c>source.blob</c> or <c>file_name</c>, else by its folder when the file is
/// called <c>result.json</c>, else by its own name; the results then get the id of the ground-truth image whose
/// <c>file_name</c> has the same stem, so the segmenter never needs to know dataset image ids.
/// </summary>
public static class DetectionResultsLoader
{
    private const string ResultFileName = "result.json";

    public static async Task<LoadedResults> LoadAsync(string path, CocoDataset groundTruth, CancellationToken cancellationToken = default)
    {
        if (File.Exists(path))
        {
            var document = await ParseAsync(path, cancellationToken);
            return document is JsonArray array
                ? new LoadedResults(ToResults(array, path), FileCount: 1, UnmatchedFiles: [])
                : await LoadPerImageFilesAsync([path], groundTruth, cancellationToken);
        }
        if (!Directory.Exists(path))
        {
            throw new FileNotFoundException($"Results not found: {path} is neither a JSON file nor a folder.", path);
        }
        var files = Directory.EnumerateFiles(path, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
        return await LoadPerImageFilesAsync(files, groundTruth, cancellationToken);
    }

    private static async Task<LoadedResults> LoadPerImageFilesAsync(string[] files, CocoDataset groundTruth, CancellationToken cancellationToken)
    {
        var imageIdsByStem = ImageIdsByStem(groundTruth);
        var results = new List<CocoResult>();
        var unmatched = new List<string>();
        foreach (var file in files)
        {
            var document = await ParseAsync(file, cancellationToken);
            var items = document as JsonArray ?? FindResultsArray(document)
                ?? throw new InvalidDataException($"{file} holds neither a JSON array of results nor an object with an \"instances\" or \"results\" array.");
            if (imageIdsByStem.TryGetValue(ImageStem(file, document), out var imageId))
            {
                foreach (var item in items.OfType<JsonObject>())
                {
                    item["image_id"] = imageId;
                }
            }
            else
            {
                unmatched.Add(file);
                if (items.OfType<JsonObject>().Any(i => !i.ContainsKey("image_id")))
                {
                    throw new InvalidDataException($"{file}: its picture '{ImageStem(file, document)}' is not in the ground truth, and its results carry no image_id.");
                }
            }
            results.AddRange(ToResults(items, file));
        }
        return new LoadedResults(results, files.Length, unmatched);
    }

    /// <summary>Ground-truth image ids by file-name stem; a stem shared by several images cannot be mapped and is left out.</summary>
    private static Dictionary<string, long> ImageIdsByStem(CocoDataset groundTruth) =>
        groundTruth.Images
            .GroupBy(i => Path.GetFileNameWithoutExtension(i.FileName), StringComparer.Ordinal)
            .Where(g => g.Count() == 1)
            .ToDictionary(g => g.Key, g => g.Single().Id, StringComparer.Ordinal);

    private static string ImageStem(string file, JsonNode? document)
    {
        var root = document as JsonObject;
        var named = (root?["source"] as JsonObject)?["blob"] ?? root?["file_name"];
        if (named is JsonValue value && value.TryGetValue<string>(out var name))
        {
            return Path.GetFileNameWithoutExtension(name);
        }
        // A results container keeps each picture's results in a folder named after the picture.
        return Path.GetFileName(file) == ResultFileName
            ? Path.GetFileNameWithoutExtension(Path.GetFileName(Path.GetDirectoryName(file))!)
            : Path.GetFileNameWithoutExtension(file);
    }

    private static JsonArray? FindResultsArray(JsonNode? document) =>
        document is JsonObject root
            ? new[] { "instances", "results", "detections" }.Select(name => root[name]).OfType<JsonArray>().FirstOrDefault()
            : null;

    private static async Task<JsonNode?> ParseAsync(string file, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(file);
        try
        {
            return await JsonNode.ParseAsync(stream, cancellationToken: cancellationToken);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{file} is not valid JSON: {e.Message}", e);
        }
    }

    private static IReadOnlyList<CocoResult> ToResults(JsonArray items, string file)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            items.WriteTo(writer);
        }
        buffer.Position = 0;
        try
        {
            return CocoResultsJson.Read(buffer);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{file} holds malformed COCO results: {e.Message}", e);
        }
    }
}

/// <summary>Detections read for evaluation, and the per-image files that matched no ground-truth picture by name.</summary>
public sealed record LoadedResults(IReadOnlyList<CocoResult> Results, int FileCount, IReadOnlyList<string> UnmatchedFiles);
