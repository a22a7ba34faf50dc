using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;

namespace CloudSeg.Dashboard.Security;

/// <summary>
/// The server-side check behind every write action of a page (upload, retry, delete, promote, retrain). Buttons are
/// hidden from readers, but a circuit event can be crafted by hand, so the handler asks again before acting.
/// </summary>
public sealed class WriteAccess(AuthenticationStateProvider authState, IAuthorizationService authorization, ILogger<WriteAccess> logger)
{
    /// <summary>The signed-in user's name when they hold the writer role, else null (and the attempt is logged).</summary>
    public async Task<string?> WriterNameAsync()
    {
        var user = (await authState.GetAuthenticationStateAsync()).User;
        if ((await authorization.AuthorizeAsync(user, DashboardPolicies.Writer)).Succeeded) return user.Identity?.Name ?? "unknown";
        logger.LogWarning("{User} tried a write action without the writer role", user.Identity?.Name ?? "anonymous");
        return null;
    }
}
