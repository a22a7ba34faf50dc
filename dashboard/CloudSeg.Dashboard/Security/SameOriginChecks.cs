using Microsoft.AspNetCore.HostFiltering;

namespace CloudSeg.Dashboard.Security;

/// <summary>
/// Local mode gives every visitor write rights, so the dashboard answers only requests meant for it. A page on
/// attacker.example whose name is made to resolve to 127.0.0.1 (DNS rebinding) reaches our port with
/// <c>Host: attacker.example</c>: only loopback host names are served (any port). And a page on another origin may
/// open a WebSocket to any host it likes: the Blazor circuit (<c>/_blazor</c>, where every write action arrives)
/// accepts only same-origin browsers. Outside local mode <c>AllowedHosts</c> from configuration applies as usual.
/// </summary>
public static class SameOriginChecks
{
    public static readonly string[] LoopbackHosts = ["localhost", "127.0.0.1", "[::1]"];

    private const string CircuitPath = "/_blazor";

    /// <summary>Local mode: ASP.NET Core's host filtering (400 for any other Host) with the loopback names only.</summary>
    public static void AddLoopbackHostsOnly(this IServiceCollection services) =>
        services.PostConfigure<HostFilteringOptions>(o =>
        {
            o.AllowedHosts = LoopbackHosts;
            o.AllowEmptyHosts = false;
        });

    /// <summary>403 for a circuit request or WebSocket upgrade whose Origin is another site than the Host it asks.</summary>
    public static IApplicationBuilder UseSameOriginCircuit(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        if ((request.Path.StartsWithSegments(CircuitPath) || context.WebSockets.IsWebSocketRequest)
            && request.Headers.Origin is [{ } origin] && !IsSameOrigin(origin, request.Host))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.Response.WriteAsync("Cross-origin connections to the dashboard are refused.");
            return;
        }
        await next(context);
    });

    /// <summary>
    /// Compares host and port only: behind a TLS-terminating proxy the browser's scheme (https) is not the one this
    /// process sees, but a foreign site always differs in host or port.
    /// </summary>
    public static bool IsSameOrigin(string origin, HostString host) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && string.Equals(uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}", host.Value, StringComparison.OrdinalIgnoreCase);
}
