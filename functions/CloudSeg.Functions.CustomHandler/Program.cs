using CloudSeg.Functions;
using CloudSeg.Functions.CustomHandler;

// Azure Functions custom handler: the Functions host owns the triggers (queue retries, poison queue, timers, scaling)
// and POSTs each invocation here; the port comes from FUNCTIONS_CUSTOMHANDLER_PORT.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
if (Environment.GetEnvironmentVariable("FUNCTIONS_CUSTOMHANDLER_PORT") is { Length: > 0 } port)
{
    builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
}
builder.Services.AddCloudSegFunctions(builder.Configuration);

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapFunctions();
app.Run();
