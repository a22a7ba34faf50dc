using CloudSeg.LocalEnvironment;

namespace CloudSeg.LocalEnvironment.Tests;

public sealed class LocalSystemOptionsTests
{
    [Fact]
    public void State_lives_in_one_ignored_folder_of_the_checkout()
    {
        var options = new LocalSystemOptions("/repo");
        Assert.Equal("/repo/.cloudseg", options.StateFolder);
        Assert.StartsWith(options.StateFolder, options.AzuriteDataFolder);
        Assert.StartsWith(options.StateFolder, options.RunFolder);
        Assert.Equal("http://127.0.0.1:5080", options.DashboardUrl);
        Assert.Contains("BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1", AzuriteServer.ConnectionStringFor(options.AzuritePorts));
    }
}

public sealed class HostLaunchTests
{
    [Fact]
    public void Hosts_start_in_their_build_output_so_they_load_their_own_appsettings()
    {
        var psi = HostLaunch.StartInfo("/repo/.cloudseg/artifacts/bin/CloudSeg.Dashboard/release/CloudSeg.Dashboard.dll", "Production");

        Assert.Equal("/repo/.cloudseg/artifacts/bin/CloudSeg.Dashboard/release", psi.WorkingDirectory);
        Assert.Equal(["/repo/.cloudseg/artifacts/bin/CloudSeg.Dashboard/release/CloudSeg.Dashboard.dll"], psi.ArgumentList);
        Assert.Equal("Production", psi.Environment["ASPNETCORE_ENVIRONMENT"]);
    }

    [Fact]
    public void Cloudseg_up_runs_the_hosts_in_production_unless_asked()
    {
        Assert.Equal("Production", new LocalSystemOptions("/repo").HostEnvironment);
        Assert.Equal("Development", new LocalSystemOptions("/repo") { HostEnvironment = "Development" }.HostEnvironment);
    }
}
