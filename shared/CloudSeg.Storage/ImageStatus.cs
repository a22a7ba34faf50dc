namespace CloudSeg.Storage;

/// <summary>Life cycle of an upload in the index (<see cref="ImageIndexEntity.Status"/>), stored as these strings.</summary>
public static class ImageStatus
{
    /// <summary>Uploaded and announced; no worker has picked it up yet.</summary>
    public const string Queued = "queued";

    /// <summary>A worker is on it (or was, and crashed: the message becomes visible again and another worker retries).</summary>
    public const string Processing = "processing";

    /// <summary>result.json, overlay.png and thumb.jpg are written for <see cref="ImageIndexEntity.SourceETag"/> + model version.</summary>
    public const string Succeeded = "succeeded";

    /// <summary>Given up: bad input (at once) or a transient failure that outlived every retry. Error says why.</summary>
    public const string Failed = "failed";

    public static IReadOnlyList<string> All { get; } = [Queued, Processing, Succeeded, Failed];
}

/// <summary>Why an image failed (<see cref="ImageIndexEntity.ErrorKind"/>).</summary>
public static class FailureKind
{
    /// <summary>The input itself is bad (not an image, corrupt, too large…); retrying cannot help, so it was not retried.</summary>
    public const string BadInput = "bad-input";

    /// <summary>Retried <see cref="StorageNames.MaxDequeueCount"/> times without success; the message is in the poison queue.</summary>
    public const string Poisoned = "poisoned";
}
