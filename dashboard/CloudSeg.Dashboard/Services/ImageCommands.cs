using CloudSeg.Dashboard.Security;
using CloudSeg.Storage;
using Microsoft.Extensions.Options;
using MudBlazor;

namespace CloudSeg.Dashboard.Services;

/// <summary>
/// Retry and delete as a page offers them (failures list, detail page), for one image or a selection: checks the
/// writer role again, says what happened in a snackbar, and deletes through <see cref="PendingDeletions"/> with an
/// "Undo" on the snackbar. One per circuit (the snackbar is the user's).
/// </summary>
public sealed class ImageCommands(ImageActionsService actions, PendingDeletions deletions, WriteAccess access, ISnackbar snackbar,
    IOptions<DashboardOptions> options)
{
    /// <summary>Bad input fails the same way every time; only a new upload can help, so no retry is offered.</summary>
    public static bool CanRetry(ImageIndexEntity row) => row is { Status: ImageStatus.Failed } && row.ErrorKind != FailureKind.BadInput;

    public bool IsBeingDeleted(string blobName) => deletions.IsPending(blobName);

    /// <summary>Queues <paramref name="rows"/> again; returns the names that were queued.</summary>
    public async Task<IReadOnlyList<string>> RetryAsync(IReadOnlyList<ImageIndexEntity> rows, CancellationToken ct)
    {
        if (!await IsWriterAsync()) return [];
        var queued = new List<string>();
        var problems = new List<string>();
        foreach (var row in rows)
        {
            var shown = BlobNamePolicy.Display(row.BlobName);
            try
            {
                if (await actions.RetryAsync(row.BlobName, ct)) queued.Add(row.BlobName);
                else problems.Add($"\"{shown}\" no longer exists in uploads; delete it instead.");
            }
            catch (Exception ex) when (ex is InvalidBlobNameException or InvalidOperationException)
            {
                problems.Add($"\"{shown}\" cannot be retried: {ex.Message}");
            }
        }
        if (queued.Count > 0)
            snackbar.Add(queued.Count == 1 ? $"{BlobNamePolicy.Display(queued[0])} queued again." : $"{queued.Count} images queued again.", Severity.Success);
        foreach (var problem in problems) snackbar.Add(problem, Severity.Warning);
        return queued;
    }

    /// <summary>
    /// Schedules the deletion of <paramref name="blobNames"/> and offers "Undo" for the grace period;
    /// <paramref name="undone"/> runs after an undo so the page can show them again. False for a reader.
    /// </summary>
    public async Task<bool> DeleteAsync(IReadOnlyList<string> blobNames, Func<Task> undone)
    {
        if (blobNames.Count == 0 || !await IsWriterAsync()) return false;
        foreach (var name in blobNames) deletions.Schedule(name);
        var message = blobNames.Count == 1 ? $"{BlobNamePolicy.Display(blobNames[0])} deleted." : $"{blobNames.Count} images deleted.";
        snackbar.Add(message, Severity.Normal, config =>
        {
            config.Action = "Undo";
            config.ActionColor = Color.Primary;
            config.VisibleStateDuration = (int)options.Value.DeleteUndoWindow.TotalMilliseconds;
            config.OnClick = async _ =>
            {
                var restored = blobNames.Count(deletions.Undo);
                snackbar.Add(restored == blobNames.Count ? "Deletion undone." : $"Too late for {blobNames.Count - restored} of them; they are deleted.",
                    restored == blobNames.Count ? Severity.Info : Severity.Warning);
                await undone();
            };
        }, key: "delete:" + string.Join('|', blobNames));
        return true;
    }

    private async Task<bool> IsWriterAsync()
    {
        if (await access.WriterNameAsync() is not null) return true;
        snackbar.Add("You are not allowed to change images.", Severity.Error);
        return false;
    }
}
