using System.CommandLine;
using CloudSeg.Cli.Segmenting;
using CloudSeg.Core.Imaging;
using CloudSeg.LocalEnvironment;
using CloudSeg.Storage;
using Spectre.Console;

namespace CloudSeg.Cli.Commands;

/// <summary>
/// <c>cloudseg upload FILES…</c>: puts images into the <c>uploads</c> container of the running system (local Azurite by
/// default) and announces each with its BlobCreated event; <c>--wait</c> follows them until segmented or failed.
/// </summary>
public static class UploadCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("files") { Description = "Image files, or folders whose images are uploaded", Arity = ArgumentArity.OneOrMore };
        var prefix = new Option<string>("--prefix") { Description = "Blob name prefix (a \"folder\" in uploads), e.g. holiday/", DefaultValueFactory = _ => "" };
        var wait = new Option<bool>("--wait") { Description = "Wait until every upload is segmented or failed and show the outcome" };
        var timeout = new Option<int>("--timeout") { Description = "Seconds --wait waits at most", DefaultValueFactory = _ => 300 };
        var connection = StorageConnection.Option();
        var command = new Command("upload", "Upload images to the running system's uploads container; each gets segmented by the functions")
        {
            files, prefix, wait, timeout, connection,
        };
        command.SetAction(async (parse, ct) =>
        {
            var storage = StorageConnection.Connect(parse.GetValue(connection));
            var jobs = ImageJob.Expand(parse.GetValue(files)!);
            var receipts = new List<UploadReceipt>();
            var refused = 0;
            foreach (var job in jobs)
            {
                var blobName = parse.GetValue(prefix) + Path.GetFileName(job.Path);
                // The dashboard's checks, before anything is sent: a name inside uploads, a picture the functions decode.
                if (Refusal(job.Path, blobName) is { } reason)
                {
                    CliTables.Error(BlobNamePolicy.Display(job.Path), reason);
                    refused++;
                    continue;
                }
                await using var content = File.OpenRead(job.Path);
                var receipt = await storage.UploadImageAsync(blobName, content, ct: ct);
                receipts.Add(receipt);
                AnsiConsole.MarkupLineInterpolated($"uploaded [bold]{receipt.BlobName}[/] (version {receipt.ETag}, message {receipt.MessageId ?? "from Event Grid"})");
            }
            if (receipts.Count == 0) return 2;
            if (!parse.GetValue(wait)) return refused == 0 ? 0 : 1;

            var rows = await WaitAsync(storage, receipts, TimeSpan.FromSeconds(parse.GetValue(timeout)), ct);
            AnsiConsole.Write(StatusCommand.RowsTable(rows));
            return refused == 0 && rows.All(r => r.Status == ImageStatus.Succeeded) ? 0 : 1;
        });
        return command;
    }

    /// <summary>
    /// Why <paramref name="path"/> must not be uploaded as <paramref name="blobName"/>, or null: the blob-name policy,
    /// then the header read with the functions' own decoder and default limits (format, pixels, size).
    /// </summary>
    private static string? Refusal(string path, string blobName)
    {
        if (!BlobNamePolicy.TryValidate(blobName, out var badName)) return $"refused as '{BlobNamePolicy.Display(blobName)}': {badName}";
        if (!File.Exists(path)) return "no such file";
        var limits = ImageDecodeOptions.ForUploads();
        var size = new FileInfo(path).Length;
        if (size > limits.MaxEncodedBytes) return $"the file is {size:N0} bytes; the limit is {limits.MaxEncodedBytes:N0} bytes";
        try
        {
            ImageDecoder.Probe(File.ReadAllBytes(path), limits);
            return null;
        }
        catch (ImageDecodeException e)
        {
            return e.Message;
        }
    }

    private static async Task<IReadOnlyList<ImageIndexEntity>> WaitAsync(CloudSegStorage storage, IReadOnlyList<UploadReceipt> receipts,
        TimeSpan timeout, CancellationToken ct)
    {
        var finished = new Dictionary<string, ImageIndexEntity>();
        try
        {
            await CliTables.ProgressAsync("Segmenting", receipts.Count, async progress =>
            {
                await Poll.UntilAsync(async () =>
                {
                    foreach (var receipt in receipts.Where(r => !finished.ContainsKey(r.BlobName)))
                    {
                        if (await storage.GetImageAsync(receipt.BlobName, ct) is { IsFinished: true } row && row.SourceETag == receipt.ETag)
                        {
                            finished[receipt.BlobName] = row;
                            progress.Increment(1);
                        }
                    }
                    return finished.Count == receipts.Count;
                }, "the uploads to be processed", timeout, ct);
            });
        }
        catch (TimeoutException e)
        {
            CliTables.Error("upload", $"{e.Message} Is the functions host running (`cloudseg up`)?");
        }
        var rows = new List<ImageIndexEntity>();
        foreach (var receipt in receipts)
        {
            rows.Add(finished.GetValueOrDefault(receipt.BlobName) ?? await storage.GetImageAsync(receipt.BlobName, ct) ?? ImageIndexEntity.ForBlob(receipt.BlobName));
        }
        return rows;
    }
}
