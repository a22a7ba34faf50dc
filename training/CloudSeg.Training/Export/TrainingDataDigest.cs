using System.Security.Cryptography;

namespace CloudSeg.Training.Export;

/// <summary>
/// Identifies the data a model was trained on: "sha256:" + the SHA-256 of the COCO annotations file (which lists
/// every image and label), so two models can be compared on whether they saw the same data.
/// </summary>
public static class TrainingDataDigest
{
    public static async Task<string> OfAnnotationsAsync(string annotationsPath, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(annotationsPath);
        var hash = await SHA256.HashDataAsync(stream, cancellationToken);
        return "sha256:" + Convert.ToHexStringLower(hash);
    }
}
