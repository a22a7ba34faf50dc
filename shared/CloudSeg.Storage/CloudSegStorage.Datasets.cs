using Azure;
using CloudSeg.Evaluation.Coco;
using CloudSeg.Evaluation.Sources;

namespace CloudSeg.Storage;

public sealed partial class CloudSegStorage
{
    /// <summary>The fingerprint of <c>datasets</c> that decides whether scheduled retraining runs (<see cref="DatasetDigest"/>).</summary>
    public async Task<DatasetSnapshot> ComputeDatasetDigestAsync(CancellationToken ct = default)
    {
        await EnsureCreatedAsync(ct).ConfigureAwait(false);
        return await DatasetDigest.ComputeAsync(Datasets, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Summarises the labelled data: every folder of <c>datasets</c> holding an annotations file is a split. Reads each
    /// split's annotations once; the images themselves are only counted by name.
    /// </summary>
    public async Task<DatasetSummary> GetDatasetSummaryAsync(CancellationToken ct = default)
    {
        await EnsureCreatedAsync(ct).ConfigureAwait(false);
        var blobsBySplit = new SortedDictionary<string, (int Count, DateTimeOffset? LastChange, bool HasAnnotations)>(StringComparer.Ordinal);
        await foreach (var item in Datasets.GetBlobsAsync(cancellationToken: ct).ConfigureAwait(false))
        {
            var slash = item.Name.IndexOf('/');
            if (slash <= 0) continue;
            var split = item.Name[..slash];
            var (count, last, hasAnnotations) = blobsBySplit.GetValueOrDefault(split);
            var modified = item.Properties.LastModified;
            blobsBySplit[split] = (count + 1, last is null || modified > last ? modified : last,
                hasAnnotations || item.Name[(slash + 1)..] == FolderDatasetSource.AnnotationsFileName);
        }
        var splits = new List<DatasetSplitSummary>();
        foreach (var (split, blobs) in blobsBySplit)
        {
            if (!blobs.HasAnnotations)
            {
                splits.Add(new DatasetSplitSummary(split, 0, 0, new Dictionary<string, int>(), blobs.Count, blobs.LastChange,
                    $"{split}/ holds no {FolderDatasetSource.AnnotationsFileName}"));
                continue;
            }
            splits.Add(await SummariseSplitAsync(split, blobs.Count, blobs.LastChange, ct).ConfigureAwait(false));
        }
        return new DatasetSummary(splits);
    }

    private async Task<DatasetSplitSummary> SummariseSplitAsync(string split, int blobCount, DateTimeOffset? lastChange, CancellationToken ct)
    {
        CocoDataset coco;
        try
        {
            await using var stream = await Datasets.GetBlobClient($"{split}/{FolderDatasetSource.AnnotationsFileName}")
                .OpenReadAsync(cancellationToken: ct).ConfigureAwait(false);
            coco = await CocoDatasetJson.ReadAsync(stream, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidDataException or RequestFailedException)
        {
            return new DatasetSplitSummary(split, 0, 0, new Dictionary<string, int>(), blobCount, lastChange, e.Message);
        }
        var names = coco.Categories.GroupBy(c => c.Id).ToDictionary(g => g.Key, g => g.First().Name);
        var perClass = coco.Categories.Select(c => c.Name).Distinct().ToDictionary(n => n, _ => 0, StringComparer.Ordinal);
        foreach (var annotation in coco.Annotations)
        {
            var name = names.GetValueOrDefault(annotation.CategoryId) ?? $"category {annotation.CategoryId}";
            perClass[name] = perClass.GetValueOrDefault(name) + 1;
        }
        return new DatasetSplitSummary(split, coco.Images.Count, coco.Annotations.Count, perClass, blobCount, lastChange);
    }
}
