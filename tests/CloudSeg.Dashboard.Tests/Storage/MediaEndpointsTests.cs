using System.Net;
using System.Text.Json;
using CloudSeg.Testing;

namespace CloudSeg.Dashboard.Tests.Storage;

/// <summary>Images and results reach the browser only through these endpoints, streamed with the dashboard's identity.</summary>
[Collection(StorageCollection.Name)]
public sealed class MediaEndpointsTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Original_overlay_and_coco_json_are_streamed_without_exposing_storage()
    {
        await using var factory = new DashboardFactory(azurite.ConnectionString);
        var name = $"media/{Guid.NewGuid():N} photo.png";
        await SeededResults.SeedSucceededAsync(factory.Storage, name);
        var client = factory.CreateClient();
        var escaped = Uri.EscapeDataString(name);

        var original = await client.GetAsync($"/media/original?name={escaped}");
        Assert.Equal(HttpStatusCode.OK, original.StatusCode);
        Assert.Equal("image/png", original.Content.Headers.ContentType?.MediaType);
        Assert.Equal(SeededResults.ShapesImage().Png, await original.Content.ReadAsByteArrayAsync());

        var overlay = await client.GetAsync($"/media/overlay?name={escaped}&download=true");
        Assert.Equal(HttpStatusCode.OK, overlay.StatusCode);
        Assert.Equal("attachment", overlay.Content.Headers.ContentDisposition?.DispositionType);

        var coco = await client.GetAsync($"/media/coco?name={escaped}");
        Assert.Equal(HttpStatusCode.OK, coco.StatusCode);
        Assert.Contains("attachment", coco.Content.Headers.ContentDisposition?.ToString() ?? string.Join(",", coco.Headers.GetValues("Content-Disposition")));
        using var json = JsonDocument.Parse(await coco.Content.ReadAsStringAsync());
        var annotations = json.RootElement.GetProperty("annotations").EnumerateArray().ToList();
        Assert.Equal(2, annotations.Count);
        Assert.Equal("circle", json.RootElement.GetProperty("categories")[0].GetProperty("name").GetString());
        Assert.Equal([48, 64], annotations[0].GetProperty("segmentation").GetProperty("size").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(SeededResults.Width, json.RootElement.GetProperty("images")[0].GetProperty("width").GetInt32());

        Assert.DoesNotContain("devstoreaccount1", await client.GetStringAsync($"/image?name={escaped}"));
    }

    [Fact]
    public async Task Missing_results_are_404_and_health_is_up()
    {
        await using var factory = new DashboardFactory(azurite.ConnectionString);
        var client = factory.CreateClient();

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/media/thumb?name=nothing-here.png")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/media/coco?name=nothing-here.png")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
    }
}
