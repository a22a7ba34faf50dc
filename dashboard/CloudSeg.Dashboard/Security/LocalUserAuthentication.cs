using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace CloudSeg.Dashboard.Security;

/// <summary>
/// Local mode's authentication: every request is the built-in local user holding the writer role, so pages and
/// endpoints keep exactly the same authorization checks as in Azure and only the identity source differs.
/// </summary>
public sealed class LocalUserAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<DashboardSecurityOptions> security)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "LocalUser";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, "local user"), new Claim(security.Value.RoleClaimType, security.Value.WriterRole)],
            SchemeName, ClaimTypes.Name, security.Value.RoleClaimType);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}
