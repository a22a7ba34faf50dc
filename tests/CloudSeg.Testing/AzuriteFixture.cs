using CloudSeg.LocalEnvironment;
using Xunit;

namespace CloudSeg.Testing;

/// <summary>
/// A private Azurite (blob, queue, table) for one test class: installed from <c>infra/azurite/package.json</c> when
/// missing, started on free loopback ports with its data in a temp folder, stopped and deleted at the end.
/// Use as <c>IClassFixture&lt;AzuriteFixture&gt;</c>; <see cref="ConnectionString"/> reaches it.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private const int StartAttempts = 3;
    private readonly string _dataFolder = Path.Combine(Path.GetTempPath(), "cloudseg-azurite-" + Guid.NewGuid().ToString("N")[..12]);
    private AzuriteServer? _server;

    public string ConnectionString => (_server ?? throw new InvalidOperationException("Azurite is not started.")).ConnectionString;

    public AzuritePorts Ports => (_server ?? throw new InvalidOperationException("Azurite is not started.")).Ports;

    public async Task InitializeAsync()
    {
        // Free ports are picked, then handed to Azurite: another process may take one in between, so try again.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                _server = await AzuriteServer.StartAsync(RepoPaths.Root, _dataFolder, AzuritePorts.Free());
                return;
            }
            catch (InvalidOperationException) when (attempt < StartAttempts)
            {
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        try
        {
            Directory.Delete(_dataFolder, recursive: true);
        }
        catch (IOException)
        {
            // Azurite may still be flushing; the OS cleans temp eventually.
        }
    }
}
