namespace CloudSeg.LocalEnvironment;

/// <summary>Where and how `cloudseg up` runs the product on this machine.</summary>
public sealed record LocalSystemOptions(string RepoRoot)
{
    /// <summary>Everything the local system keeps between runs: storage data, builds, logs, process ids.</summary>
    public string StateFolder => Path.Combine(RepoRoot, ".cloudseg");

    public string AzuriteDataFolder => Path.Combine(StateFolder, "azurite");
    public string LogFolder => Path.Combine(StateFolder, "logs");
    public string RunFolder => Path.Combine(StateFolder, "run");
    /// <summary>The same artifacts folder the ./cloudseg launcher builds the CLI into, so shared libraries build once.</summary>
    public string BuildFolder => Path.Combine(StateFolder, "artifacts");
    public string SamplesFolder => Path.Combine(RepoRoot, "samples");

    public AzuritePorts AzuritePorts { get; init; } = AzuritePorts.Default;
    public int FunctionsPort { get; init; } = 7071;
    public int DashboardPort { get; init; } = 5080;

    /// <summary>
    /// ASPNETCORE_ENVIRONMENT of the hosts. Production by default: Development shows exception pages with stack
    /// traces and source paths to whoever asks, and local mode lets anyone on this machine ask.
    /// </summary>
    public string HostEnvironment { get; init; } = "Production";

    /// <summary>How long the sample images may take to be segmented before `up` reports them as late.</summary>
    public TimeSpan SampleTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public string DashboardUrl => $"http://127.0.0.1:{DashboardPort}";
    public string FunctionsUrl => $"http://127.0.0.1:{FunctionsPort}";
}
