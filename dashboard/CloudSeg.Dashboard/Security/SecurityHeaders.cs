namespace CloudSeg.Dashboard.Security;

/// <summary>
/// Response headers that keep content from other origins (or planted in storage) from running as the dashboard.
/// The policy is what Blazor Server and MudBlazor need and no more: scripts only from our own files (no inline
/// scripts, so no &lt;ImportMap /&gt;), inline styles because MudBlazor sets style attributes, the circuit's WebSocket
/// on our own origin ('self' covers ws: and wss: to the same host), no plugins, no framing.
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
        "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

    /// <summary>Set as the response starts, so error pages re-executed after a cleared response carry them too.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "same-origin";
            return Task.CompletedTask;
        });
        return next(context);
    });
}
