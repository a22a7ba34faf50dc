using CloudSeg.Storage;

namespace CloudSeg.Dashboard.Services;

/// <summary>
/// This browser session's uploads, one per circuit: the upload page shows them again when the user comes back to it,
/// instead of starting with an empty list.
/// </summary>
public sealed class UploadSession
{
    public List<UploadTile> Tiles { get; } = [];

    /// <summary>Files still being sent from the browser (leaving the page now would cancel them).</summary>
    public int Sending => Tiles.Count(t => t.IsSending);
}

/// <summary>One dropped file on the upload page: sending, refused (with why), or uploaded and followed in the index.</summary>
public sealed class UploadTile(string name)
{
    public string Key { get; } = Guid.NewGuid().ToString("N");
    public string Name { get; set; } = name;
    public string? Error { get; set; }

    /// <summary>Something the user should know about an accepted file (it was renamed to keep an earlier one).</summary>
    public string? Note { get; set; }

    public ImageIndexEntity? Row { get; set; }

    public bool IsSending => Row is null && Error is null;

    /// <summary>Nothing more will happen to it: refused, or processed to succeeded/failed.</summary>
    public bool IsDone => Error is not null || Row is { IsFinished: true };
}
