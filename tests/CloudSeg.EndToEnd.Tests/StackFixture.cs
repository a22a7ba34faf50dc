using CloudSeg.Storage;
using CloudSeg.Testing;
using Microsoft.Playwright;

namespace CloudSeg.EndToEnd.Tests;

/// <summary>
/// The whole product on loopback: a private Azurite, the functions' local runner serving the bundled test model, the
/// dashboard (local mode, because storage is the emulator), and a headless Debian Chromium driven by Playwright.
/// </summary>
public class StackFixture : IAsyncLifetime
{
    private static readonly TimeSpan HostStartTimeout = TimeSpan.FromSeconds(90);
    private readonly AzuriteFixture _azurite = new();
    private readonly string _modelCache = Path.Combine(Path.GetTempPath(), "cloudseg-e2e-models-" + Guid.NewGuid().ToString("N")[..8]);
    private IPlaywright? _playwright;

    public HostProcess Runner { get; private set; } = default!;
    public HostProcess Dashboard { get; private set; } = default!;
    public IBrowser Browser { get; private set; } = default!;
    public CloudSegStorage Storage { get; private set; } = default!;

    /// <summary>Where screenshots go: the test output folder (a CI artifact); good ones are copied to docs/screenshots by hand.</summary>
    public static string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    /// <summary>
    /// The torchvision test model, whatever models/default holds: the pictures the tests drop are chosen from its
    /// expected.json, so the instances they toggle are known to exist.
    /// </summary>
    protected virtual string BundledModelDirectory => TestImages.ModelDirectory;

    /// <summary>The runner's own settings; by default it never starts training (its schedule is off).</summary>
    protected virtual void ConfigureRunner(Dictionary<string, string> settings) => settings["LocalRunner:RunTrainingSchedule"] = "false";

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        Storage = CloudSegStorage.Create(new StorageOptions { ConnectionString = _azurite.ConnectionString });
        await Storage.EnsureCreatedAsync();
        var storageSetting = new Dictionary<string, string> { ["Storage:ConnectionString"] = _azurite.ConnectionString };

        var runnerSettings = new Dictionary<string, string>(storageSetting)
        {
            ["Models:BundledModelDirectory"] = BundledModelDirectory,
            ["Models:CacheDirectory"] = _modelCache,
        };
        ConfigureRunner(runnerSettings);
        var runnerStart = HostProcess.StartAsync("LocalRunner", runnerSettings, HostStartTimeout);
        var dashboardStart = HostProcess.StartAsync("Dashboard", new Dictionary<string, string>(storageSetting)
        {
            ["Dashboard:StatusPollInterval"] = "00:00:00.5",
            // Long enough to press "Undo" on a loaded machine, short enough to watch the deletion happen.
            ["Dashboard:DeleteUndoWindow"] = "00:00:06",
            // Small gallery pages, so a few test images already span several and paging is exercised.
            ["Dashboard:GalleryPageSize"] = "8",
        }, HostStartTimeout);
        try
        {
            await Task.WhenAll(runnerStart, dashboardStart);
        }
        catch
        {
            // xunit does not dispose a fixture whose start failed: stop the host that did start.
            foreach (var started in new[] { runnerStart, dashboardStart }.Where(t => t.IsCompletedSuccessfully))
                await started.Result.DisposeAsync();
            await _azurite.DisposeAsync();
            throw;
        }
        Runner = runnerStart.Result;
        Dashboard = dashboardStart.Result;

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
            ],
        });
        Directory.CreateDirectory(ScreenshotFolder);
        // The machine may be busy with other suites: give assertions room instead of Playwright's 5 s default.
        Assertions.SetDefaultExpectTimeout(30_000);
    }

    public async Task<IPage> NewPageAsync(int width = 1440, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Dashboard.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        context.SetDefaultTimeout(30_000);
        // A first page load (prerendering on a host that has only just started) takes longer than that on a busy machine.
        context.SetDefaultNavigationTimeout(90_000);
        return await context.NewPageAsync();
    }

    public virtual async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (Dashboard is not null) await Dashboard.DisposeAsync();
        if (Runner is not null) await Runner.DisposeAsync();
        await _azurite.DisposeAsync();
        try { Directory.Delete(_modelCache, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
