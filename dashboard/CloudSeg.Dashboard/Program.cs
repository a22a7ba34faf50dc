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
// Snackbars bottom left: at the top right they covered the page's own buttons (Retrain now, Reload).
builder.Services.AddMudServices(mud => mud.SnackbarConfiguration.PositionClass = MudBlazor.Defaults.Classes.Position.BottomLeft);
// The circuit keeps SignalR's one call at a time: a browser file's data arrives as calls on the circuit, and served in
// parallel two chunks of one file race into its pipe ("Concurrent reads or writes are not supported"). The upload page
// reads one file at a time instead, which the default serves without stalls (dotnet/aspnetcore#47301).
builder.Services.AddRazorComponents()
    .AddInteractiveServerComponents();

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
