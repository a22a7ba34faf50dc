using CloudSeg.Functions;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

// The .NET isolated worker: the Functions host owns the triggers (queue polling, timers, scaling) and calls the
// [Function] methods of this assembly over gRPC. Model loading runs in a background service, so the worker answers
// the host (and its health probes) at once and images wait for the first model.
var builder = FunctionsApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.AddCloudSegFunctions(builder.Configuration);
builder.Build().Run();
