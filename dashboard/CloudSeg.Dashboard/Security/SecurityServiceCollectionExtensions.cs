using CloudSeg.Storage;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;

namespace CloudSeg.Dashboard.Security;

/// <summary>Sign-in and authorization: OpenID Connect outside local mode, the local user inside it; same policies either way.</summary>
public static class SecurityServiceCollectionExtensions
{
    public const string OpenIdConnectSection = "Authentication:OpenIdConnect";

    public static WebApplicationBuilder AddDashboardSecurity(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(DashboardSecurityOptions.SectionName);
        builder.Services.Configure<DashboardSecurityOptions>(section);
        var security = section.Get<DashboardSecurityOptions>() ?? new DashboardSecurityOptions();
        var storage = builder.Configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        var localMode = security.LocalMode ?? IsEmulator(storage);
        builder.Services.PostConfigure<DashboardSecurityOptions>(o => o.LocalMode = localMode);

        if (localMode)
        {
            builder.Services.AddLoopbackHostsOnly();
            builder.Services.AddAuthentication(LocalUserAuthentication.SchemeName)
                .AddScheme<AuthenticationSchemeOptions, LocalUserAuthentication>(LocalUserAuthentication.SchemeName, null);
        }
        else
        {
            builder.Services.AddAuthentication(o =>
                {
                    o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                    o.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
                })
                .AddCookie(o =>
                {
                    o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                    o.Cookie.SameSite = SameSiteMode.Lax;
                })
                .AddOpenIdConnect(o =>
                {
                    builder.Configuration.GetSection(OpenIdConnectSection).Bind(o);
                    o.ResponseType = "code";
                    o.UsePkce = true;
                    o.SaveTokens = false;
                    o.MapInboundClaims = false;
                    o.TokenValidationParameters.NameClaimType = "name";
                    o.TokenValidationParameters.RoleClaimType = security.RoleClaimType;
                });
        }

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(DashboardPolicies.Reader, p => p.RequireAuthenticatedUser())
            .AddPolicy(DashboardPolicies.Writer, p => p.RequireAuthenticatedUser().RequireRole(security.WriterRole));
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddScoped<WriteAccess>();
        return builder;
    }

    /// <summary>/account/login starts the OIDC sign-in; /account/logout (POST, anti-forgery checked) ends it.</summary>
    public static WebApplication MapAccountEndpoints(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<DashboardSecurityOptions>>().Value.LocalMode == true) return app;
        app.MapGet("/account/login", (string? returnUrl) => TypedResults.Challenge(
            new AuthenticationProperties { RedirectUri = SafeReturnUrl(returnUrl) }));
        app.MapPost("/account/logout", () => TypedResults.SignOut(
                new AuthenticationProperties { RedirectUri = "/" },
                [CookieAuthenticationDefaults.AuthenticationScheme, OpenIdConnectDefaults.AuthenticationScheme]))
            .WithMetadata(new RequireAntiforgeryTokenAttribute())
            .RequireAuthorization(DashboardPolicies.Reader);
        return app;
    }

    /// <summary>Only local paths, so the login link cannot be used to bounce users to another site.</summary>
    private static string SafeReturnUrl(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//") ? returnUrl : "/";

    private static bool IsEmulator(StorageOptions storage) =>
        storage.ConnectionString is { } cs
        && (cs.Contains("UseDevelopmentStorage=true", StringComparison.OrdinalIgnoreCase)
            || cs.Contains("devstoreaccount1", StringComparison.OrdinalIgnoreCase));
}
