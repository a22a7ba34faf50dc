using System.Diagnostics;

namespace CloudSeg.LocalEnvironment;

/// <summary>Waits for a host process started here to answer <c>/health</c> with success (hosting defaults map it).</summary>
public static class HostHealth
{
    /// <summary>
    /// Polls <paramref name="baseUrl"/>/health until it answers 2xx. Fails at once when the process exits, with
    /// <paramref name="describeExit"/> adding what the caller knows (its log, its recent output).
    /// </summary>
    public static async Task WaitUntilHealthyAsync(Process process, string name, string baseUrl, TimeSpan timeout,
        Func<string>? describeExit = null, CancellationToken ct = default)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var health = $"{baseUrl.TrimEnd('/')}/health";
        await Poll.UntilAsync(async () =>
        {
            if (process.HasExited)
                throw new InvalidOperationException($"The {name} host exited with code {process.ExitCode} while starting. {describeExit?.Invoke()}");
            try
            {
                return (await http.GetAsync(health, ct).ConfigureAwait(false)).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                // One slow answer (a host still starting on a busy machine) is not a failure: ask again until the timeout.
                return false;
            }
        }, $"the {name} host to answer {health}", timeout, ct).ConfigureAwait(false);
    }
}
