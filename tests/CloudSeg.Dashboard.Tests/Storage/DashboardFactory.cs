using CloudSeg.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CloudSeg.Dashboard.Tests.Storage;

/// <summary>The real dashboard host in-process, pointed at the test's Azurite (local mode: emulator storage).</summary>
internal sealed class DashboardFactory(string connectionString, IDictionary<string, string?>? settings = null) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting($"{StorageOptions.SectionName}:ConnectionString", connectionString);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) builder.UseSetting(key, value);
    }

    public CloudSegStorage Storage => Services.GetRequiredService<CloudSegStorage>();
}
