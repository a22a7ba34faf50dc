using CloudSeg.Testing;

namespace CloudSeg.Functions.Tests.Infrastructure;

/// <summary>Host configuration for tests: the private Azurite, the test model, and short intervals so tests run fast.</summary>
public static class FunctionsSettings
{
    public static Dictionary<string, string?> For(string connectionString) => new()
    {
        ["Storage:ConnectionString"] = connectionString,
        ["Models:BundledModelDirectory"] = TestImages.TestModelDirectory,
        ["Models:CacheDirectory"] = Path.Combine(Path.GetTempPath(), "cloudseg-test-models-" + Guid.NewGuid().ToString("N")[..8]),
        ["Models:RegistryPollInterval"] = "00:00:00.200",
        ["Functions:MaxConcurrentImages"] = "2",
        ["Functions:VisibilityTimeout"] = "00:00:06",
        ["Functions:RetryBaseDelay"] = "00:00:00.100",
        ["Functions:RetryMaxDelay"] = "00:00:00.500",
        ["Functions:MaxPollInterval"] = "00:00:00.200",
        ["Functions:ScanInterval"] = "00:00:01",
        ["Segmenter:IntraOpThreads"] = "1",
        ["LocalRunner:RunTrainingSchedule"] = "false",
        ["Logging:LogLevel:Default"] = "Warning",
        ["Logging:LogLevel:CloudSeg"] = "Information",
    };

    /// <summary>Retries a second apart (two at most), so a test can watch (and end) the failure between two attempts.</summary>
    public static void UseSlowRetries(Dictionary<string, string?> settings)
    {
        settings["Functions:RetryBaseDelay"] = "00:00:01";
        settings["Functions:RetryMaxDelay"] = "00:00:02";
    }
}
