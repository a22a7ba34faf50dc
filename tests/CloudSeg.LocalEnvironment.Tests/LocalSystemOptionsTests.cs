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
