using CloudSeg.Core.Imaging;

namespace CloudSeg.Functions;

/// <summary>How the functions process images (configuration section <c>Functions</c>).</summary>
public sealed class FunctionsOptions
{
    public const string SectionName = "Functions";

    /// <summary>Images in flight at once (download + decode + model + render). Bounds memory under any backlog.</summary>
    public int MaxConcurrentImages { get; set; } = 4;

    /// <summary>Messages fetched per queue request (Azure caps it at 32).</summary>
    public int BatchSize { get; set; } = 16;

    /// <summary>Blobs larger than this are rejected before download (a bad input, not retried).</summary>
    public long MaxBlobBytes { get; set; } = ImageDecodeOptions.ForUploads().MaxEncodedBytes;

    /// <summary>Header-announced pixel limit, checked before pixel memory is allocated.</summary>
    public long MaxPixels { get; set; } = ImageDecodeOptions.ForUploads().MaxPixels;

    /// <summary>Images with a side shorter than this are rejected: no object can be found in them.</summary>
    public int MinImageSide { get; set; } = ImageDecodeOptions.ForUploads().MinSide;

    /// <summary>
    /// Pixels (width × height of the pictures as stored) that all images being decoded at once may have. A picture is
    /// decoded straight to the size the model works at (or <see cref="OverlayMaxSide"/>, if larger), but the codec
    /// still walks every stored pixel and some formats (interlaced PNG, GIF, WebP) are decoded whole first.
    /// </summary>
    public long DecodePixelBudget { get; set; } = 80_000_000;

    /// <summary>Longest side of overlay.png: larger pictures are decoded no larger than this or the model's working size.</summary>
    public int OverlayMaxSide { get; set; } = 1024;

    /// <summary>After work, this long without any image in flight makes the host give unused memory back to the system.</summary>
    public TimeSpan IdleTrimAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest side of thumb.jpg.</summary>
    public int ThumbnailMaxSide { get; set; } = 256;

    /// <summary>How long a received message stays invisible; long work renews it before it runs out.</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Delay before the first retry of a transient failure; doubles per attempt up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Longest pause between empty queue polls (polls back off from 50 ms up to this).</summary>
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the uploads scanner looks for blobs that arrived without an event; zero turns it off.</summary>
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A row still queued/processing this long after its last announcement is announced again by the scanner.</summary>
    public TimeSpan StuckAfter { get; set; } = TimeSpan.FromMinutes(10);
}
