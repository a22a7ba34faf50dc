using System.Net;
using System.Security.Claims;
using CloudSeg.Dashboard.Security;
using CloudSeg.Testing;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace CloudSeg.Dashboard.Tests.Storage;

/// <summary>Outside local mode every page and media request needs an OpenID Connect sign-in; writes need the writer role.</summary>
[Collection(StorageCollection.Name)]
public sealed class SignInRequiredTests(AzuriteFixture azurite)
{
    private const string AuthorizeEndpoint = "https://login.example.test/tenant/oauth2/v2.0/authorize";

    private DashboardFactory NonLocalDashboard() => new(azurite.ConnectionString, new Dictionary<string, string?>
    {
        ["Dashboard:Security:LocalMode"] = "false",
        ["Authentication:OpenIdConnect:Authority"] = "https://login.example.test/tenant/v2.0",
        ["Authentication:OpenIdConnect:ClientId"] = "cloudseg-dashboard",
    });

    /// <summary>Provider metadata given up front, so the test never contacts an identity provider.</summary>
    private static HttpClient ClientWithoutRedirects(DashboardFactory factory) =>
        factory.WithWebHostBuilder(b => b.ConfigureTestServices(services =>
                services.PostConfigure<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme, o =>
                {
                    o.Configuration = new OpenIdConnectConfiguration { AuthorizationEndpoint = AuthorizeEndpoint };
                    o.ConfigurationManager = new StaticConfigurationManager<OpenIdConnectConfiguration>(o.Configuration);
                })))
            .CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    [Theory]
    [InlineData("/")]
    [InlineData("/upload")]
    [InlineData("/media/original?name=a.png")]
    [InlineData("/media/coco?name=a.png")]
    public async Task Anonymous_requests_are_sent_to_the_identity_provider(string path)
    {
        await using var factory = NonLocalDashboard();
        var client = ClientWithoutRedirects(factory);

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith(AuthorizeEndpoint, response.Headers.Location!.ToString());
        Assert.Contains("client_id=cloudseg-dashboard", response.Headers.Location!.Query);
    }

    [Fact]
    public async Task Health_stays_anonymous_for_the_platform_probes()
    {
        await using var factory = NonLocalDashboard();
        var client = ClientWithoutRedirects(factory);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/alive")).StatusCode);
    }

    [Fact]
    public async Task Only_users_with_the_writer_role_may_write()
    {
        await using var factory = NonLocalDashboard();
        var authorization = factory.Services.GetRequiredService<IAuthorizationService>();
        static ClaimsPrincipal User(params string[] roles) => new(new ClaimsIdentity(
            [new Claim("name", "ana"), .. roles.Select(r => new Claim("roles", r))], "oidc", "name", "roles"));

        Assert.True((await authorization.AuthorizeAsync(User(), DashboardPolicies.Reader)).Succeeded);
        Assert.False((await authorization.AuthorizeAsync(User(), DashboardPolicies.Writer)).Succeeded);
        Assert.False((await authorization.AuthorizeAsync(User("CloudSeg.Reader"), DashboardPolicies.Writer)).Succeeded);
        Assert.True((await authorization.AuthorizeAsync(User("CloudSeg.Writer"), DashboardPolicies.Writer)).Succeeded);
        Assert.False((await authorization.AuthorizeAsync(new ClaimsPrincipal(new ClaimsIdentity()), DashboardPolicies.Reader)).Succeeded);
    }
}
