namespace CloudSeg.Functions.Models;

/// <summary>Where the functions get their model (configuration section <c>Models</c>).</summary>
public sealed class ModelHostingOptions
{
    public const string SectionName = "Models";

    /// <summary>How often the registry's <c>current</c> pointer is checked for a new promotion.</summary>
    public TimeSpan RegistryPollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Local folder registry versions are downloaded to (one sub-folder per version).</summary>
    public string CacheDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "cloudseg-models");

    /// <summary>
    /// The bundled model package served while the registry is empty. Empty = search <c>models/default</c> above the app
    /// folder, the working directory and the clone the build came from.
    /// </summary>
    public string? BundledModelDirectory { get; set; }

    /// <summary>
    /// Register the bundled model at start and promote it when the registry is empty (so the registry always names
    /// what runs) or still on an older, automatically promoted bundled model (so a product update's default takes over).
    /// </summary>
    public bool SeedEmptyRegistry { get; set; } = true;
}
