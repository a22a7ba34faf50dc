using System.Net;
using System.Net.Http.Headers;

namespace CloudSeg.Training.Import;

/// <summary>
/// Downloads a file into <c>&lt;target&gt;.partial</c> and renames it when complete. An interrupted download resumes
/// where the partial file ends (HTTP Range); a server that ignores the range sends the whole file again, which
/// replaces the partial one.
/// </summary>
public sealed class ResumableDownload(HttpClient http)
{
    public const string PartialSuffix = ".partial";

    /// <param name="progress">Bytes so far and the total when the server says it.</param>
    public async Task DownloadAsync(Uri url, string target, IProgress<(long Done, long? Total)>? progress, CancellationToken cancellationToken)
    {
        var partial = target + PartialSuffix;
        long have = File.Exists(partial) ? new FileInfo(partial).Length : 0;
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (have > 0) request.Headers.Range = new RangeHeaderValue(have, null);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable && have > 0)
        {
            // The partial file is already whole (or longer than the file): start again from nothing.
            File.Delete(partial);
            await DownloadAsync(url, target, progress, cancellationToken);
            return;
        }
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"GET {url} answered {(int)response.StatusCode} {response.ReasonPhrase}.", null, response.StatusCode);
        bool resumed = response.StatusCode == HttpStatusCode.PartialContent;
        if (!resumed) have = 0;
        long? total = response.Content.Headers.ContentLength is { } length ? length + have : null;

        await using (var output = new FileStream(partial, resumed ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
        await using (var input = await response.Content.ReadAsStreamAsync(cancellationToken))
        {
            var buffer = new byte[1 << 16];
            long done = have;
            progress?.Report((done, total));
            int read;
            while ((read = await input.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                done += read;
                progress?.Report((done, total));
            }
            if (total is { } expected && done != expected)
                throw new IOException($"GET {url} ended after {done} of {expected} bytes; run again to resume.");
        }
        File.Move(partial, target, overwrite: true);
    }
}
