namespace CloudSeg.Storage;

public sealed partial class CloudSegStorage
{
    /// <summary>
    /// A person's retry of a failed upload: announces the blob's current version again, first moving the tries so far
    /// into <see cref="ImageIndexEntity.PreviousAttempts"/>, so <see cref="ImageIndexEntity.Tries"/> keeps counting
    /// (the new request's deliveries start again at 1). Null when the blob no longer exists. Bad input is refused with
    /// <see cref="InvalidOperationException"/>: the same bytes fail the same way, so only a new upload can help.
    /// </summary>
    public async Task<UploadReceipt?> RetryImageAsync(string blobName, CancellationToken ct = default)
    {
        await EnsureCreatedAsync(ct).ConfigureAwait(false);
        if (await GetUploadVersionAsync(BlobNamePolicy.Validate(blobName), ct).ConfigureAwait(false) is null) return null;
        if (await GetImageAsync(blobName, ct).ConfigureAwait(false) is { } row)
        {
            if (row.Status == ImageStatus.Failed && row.ErrorKind == FailureKind.BadInput)
                throw new InvalidOperationException($"{BlobNamePolicy.Display(blobName)} is not a usable image; upload a fixed file instead of retrying.");
            row.PreviousAttempts = row.Tries;
            row.Attempts = 0;
            // Lost to a concurrent writer, the count is only one try short; the retry itself still goes ahead.
            await TryReplaceImageAsync(row, ct).ConfigureAwait(false);
        }
        return await AnnounceCurrentAsync(blobName, ct).ConfigureAwait(false);
    }
}
