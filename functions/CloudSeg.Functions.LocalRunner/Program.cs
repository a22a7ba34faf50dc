using CloudSeg.Functions;
using CloudSeg.Functions.LocalRunner;
using CloudSeg.Functions.Worker;

// The local functions host: plays the Azure Functions host's part against Azurite (queue trigger with retries and
// poison, uploads scanner, cron timer) around the very function classes the isolated worker runs in Azure.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.AddCloudSegFunctions(builder.Configuration);
builder.Services.AddSingleton<SegmentImageFunction>();
builder.Services.AddSingleton<TrainingFunctions>();
builder.Services.AddOptions<LocalRunnerOptions>().Bind(builder.Configuration.GetSection(LocalRunnerOptions.SectionName));

// Each trigger checks LocalRunner:<Trigger> itself when it starts (configuration is final only after Build).
builder.Services.AddHostedService<QueuePump>();
builder.Services.AddHostedService<UploadsScanService>();
builder.Services.AddHostedService<TrainingScheduleService>();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapGet("/", (CloudSeg.Functions.Models.ModelProvider models) => Results.Ok(new
{
    service = "CloudSeg functions (local runner)",
    model = models.CurrentVersion,
}));
app.Run();
