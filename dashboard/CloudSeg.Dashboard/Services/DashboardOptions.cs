using CloudSeg.Core.Imaging;
using CloudSeg.Storage;

namespace CloudSeg.Dashboard.Services;

/// <summary>Dashboard behaviour (configuration section <c>Dashboard</c>).</summary>
public sealed class DashboardOptions
{
    public const string SectionName = "Dashboard";

    /// <summary>Largest image accepted by the upload page (bytes).</summary>
    public long MaxUploadBytes { get; set; } = 50 * 1024 * 1024;

    /// <summary>Most files accepted by one drop.</summary>
    public int MaxFilesPerUpload { get; set; } = 200;

    /// <summary>File extensions the upload page accepts (the formats the functions decode).</summary>
    public string[] AllowedExtensions { get; set; } = [".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp"];

    /// <summary>
    /// What the functions refuse to decode (Functions:MaxPixels, MinImageSide, MaxBlobBytes there): the upload page
    /// refuses the same before sending. Set both hosts alike when changing them.
    /// </summary>
    public ImageDecodeOptions ImageLimits { get; set; } = ImageDecodeOptions.ForUploads();

    /// <summary>How often an open page re-reads the index rows of images that are not finished yet.</summary>
    public TimeSpan StatusPollInterval { get; set; } = TimeSpan.FromSeconds(1.5);

    /// <summary>Index rows fetched per gallery page request (Table storage returns at most 1,000).</summary>
    public int GalleryPageSize { get; set; } = 60;

    /// <summary>The retraining cron schedule shown on the training page (the functions host's Training:Schedule, same default).</summary>
    public string TrainingSchedule { get; set; } = CronSchedule.DefaultTrainingSchedule;

    /// <summary>How long a deleted image can still be brought back ("Undo") before it is really deleted.</summary>
    public TimeSpan DeleteUndoWindow { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest side of the picture the detail page shows; larger uploads are scaled down on the way out.</summary>
    public int DisplayMaxSide { get; set; } = 1600;

    /// <summary>How far back the operations page looks.</summary>
    public TimeSpan OperationsWindow { get; set; } = TimeSpan.FromHours(24);
}
