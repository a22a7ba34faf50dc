using System.Text.Json;

namespace CloudSeg.Evaluation.Coco;

/// <summary>Reads and writes COCO instances JSON files.</summary>
public static class CocoDatasetJson
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = false };

    public static async Task<CocoDataset> ReadAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync<CocoDataset>(stream, Options, cancellationToken)
                ?? throw new InvalidDataException("The COCO annotations file is empty (null).");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Not a valid COCO annotations file: {e.Message}", e);
        }
    }

    public static async Task<CocoDataset> ReadFileAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var stream = File.OpenRead(path);
        return await ReadAsync(stream, cancellationToken);
    }

    public static Task WriteAsync(Stream stream, CocoDataset dataset, CancellationToken cancellationToken = default) =>
        JsonSerializer.SerializeAsync(stream, dataset, Options, cancellationToken);

    public static async Task WriteFileAsync(string path, CocoDataset dataset, CancellationToken cancellationToken = default)
    {
        await using var stream = File.Create(path);
        await WriteAsync(stream, dataset, cancellationToken);
    }
}
