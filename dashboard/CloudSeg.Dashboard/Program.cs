using CloudSeg.Dashboard;
using CloudSeg.Dashboard.Components;
using CloudSeg.Dashboard.Media;
using CloudSeg.Dashboard.Security;
using CloudSeg.Dashboard.Services;
using MudBlazor.Services;

var builder = WebApplication.CreateBuilder(args);
// Static files (MudBlazor's, ours) from the build output in every environment: `cloudseg up` and the end-to-end tests
// run the built dashboard in Production, where ASP.NET Core would otherwise serve them only after a publish.
// A published app has no build manifest and this is a no-op.
builder.WebHost.UseStaticWebAssets();

builder.AddServiceDefaults();
builder.AddDashboardSecurity();
builder.AddDashboardServices();
builder.Services.AddMudServices();
builder.Services.AddRazorComponents()
    .AddInteractiveServerComponents()
    // The upload page reads several browser files at once. Each file's data arrives as calls on the circuit, which
    // SignalR serves one at a time by default, so parallel reads stall each other until the 60 s data timeout
    // (dotnet/aspnetcore#47301, seen as "Did not receive any data in the allotted time"): allow as many as it reads.
    .AddHubOptions(hub => hub.MaximumParallelInvocationsPerClient = UploadService.ParallelUploads);

var app = builder.Build();

app.UseSecurityHeaders();
app.UseSameOriginCircuit();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/error", createScopeForErrors: true);
    app.UseHsts();
}
app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);

app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();

app.MapStaticAssets();
app.MapDefaultEndpoints();
app.MapAccountEndpoints();
app.MapMediaEndpoints();
app.MapRazorComponents<App>()
    .AddInteractiveServerRenderMode();

app.Run();

/// <summary>Visible to the test projects (WebApplicationFactory and the end-to-end fixture).</summary>
public partial class Program;
