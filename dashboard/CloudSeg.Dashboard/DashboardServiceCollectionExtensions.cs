using CloudSeg.Dashboard.Services;
using CloudSeg.Storage;

namespace CloudSeg.Dashboard;

public static class DashboardServiceCollectionExtensions
{
    /// <summary>The storage facade and the dashboard's services on top of it, with options bound from configuration.</summary>
    public static WebApplicationBuilder AddDashboardServices(this WebApplicationBuilder builder)
    {
        builder.Services.AddCloudSegStorage(builder.Configuration);
        builder.Services.AddOptions<DashboardOptions>().Bind(builder.Configuration.GetSection(DashboardOptions.SectionName))
            .Validate(o => o.DeleteUndoWindow > TimeSpan.Zero, "Dashboard:DeleteUndoWindow must be positive.")
            .ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<UploadValidator>();
        builder.Services.AddSingleton<GalleryService>();
        builder.Services.AddSingleton<ImageDetailService>();
        builder.Services.AddSingleton<UploadService>();
        builder.Services.AddSingleton<ImageActionsService>();
        builder.Services.AddSingleton<PendingDeletions>();
        builder.Services.AddScoped<ImageCommands>();
        builder.Services.AddScoped<UploadSession>();
        builder.Services.AddScoped<GallerySequence>();
        builder.Services.AddSingleton<ModelsService>();
        builder.Services.AddSingleton<TrainingService>();
        builder.Services.AddSingleton<OperationsService>();
        return builder;
    }
}
