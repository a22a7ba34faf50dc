using System.Net;
using System.Net.Sockets;

namespace CloudSeg.LocalEnvironment;

/// <summary>The three loopback ports of an Azurite instance.</summary>
public readonly record struct AzuritePorts(int Blob, int Queue, int Table)
{
    /// <summary>Azurite's and the Azure tools' usual ports.</summary>
    public static AzuritePorts Default => new(10000, 10001, 10002);

    /// <summary>Three ports free right now (another process may take one before Azurite binds it: callers retry).</summary>
    public static AzuritePorts Free() => new(LoopbackPorts.Free(), LoopbackPorts.Free(), LoopbackPorts.Free());

    public async Task<bool> AllAcceptAsync(CancellationToken ct) =>
        await LoopbackPorts.AcceptsAsync(Blob, ct).ConfigureAwait(false)
        && await LoopbackPorts.AcceptsAsync(Queue, ct).ConfigureAwait(false)
        && await LoopbackPorts.AcceptsAsync(Table, ct).ConfigureAwait(false);

    public override string ToString() => $"{Blob}/{Queue}/{Table}";
}

/// <summary>Loopback port helpers.</summary>
public static class LoopbackPorts
{
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task<bool> AcceptsAsync(int port, CancellationToken ct)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, ct).ConfigureAwait(false);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
