using System.Net;
using System.Text;
using Azure.Storage.Blobs.Models;
using CloudSeg.Dashboard.Security;
using CloudSeg.Dashboard.Services;
using CloudSeg.Storage;
using CloudSeg.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CloudSeg.Dashboard.Tests.Storage;

/// <summary>
/// The dashboard's edges against hostile input (issue 11): names that leave a container, blobs that pretend to be
/// pages, foreign hosts and origins. The in-process host; the end-to-end suite replays the same against real processes.
/// </summary>
[Collection(StorageCollection.Name)]
public sealed class HostileRequestTests(AzuriteFixture azurite)
{
    [Theory]
    [InlineData("/media/original?name=../models/current")]
    [InlineData("/media/original?name=x/../../models/current")]
    [InlineData("/media/original?name=..")]
    [InlineData("/media/original")]
    [InlineData("/media/thumb?name=../results/a.png")]
    [InlineData("/media/overlay?name=%2Fetc%2Fpasswd")]
    [InlineData("/media/result?name=a%5C..%5Cb")]
    [InlineData("/media/coco?name=a%E2%80%AEgnp.exe")]
    public async Task Names_outside_the_policy_get_a_short_400(string url)
    {
        await using var factory = new DashboardFactory(azurite.ConnectionString);
        var response = await factory.CreateClient().GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("Invalid image name.", body);
        Assert.True(body.Length < 300, body);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("page.html", "text/html", "<html><script>alert(document.domain)</script></html>")]
    [InlineData("pic.svg", "image/svg+xml", "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>")]
    [InlineData("fake.png", "image/png", "<html><script>alert(1)</script></html>")]
    public async Task Blobs_that_are_no_picture_go_out_only_as_downloads(string file, string storedType, string content)
    {
        await using var factory = new DashboardFactory(azurite.ConnectionString);
        var name = $"hostile/{Guid.NewGuid():N}/{file}";
        await factory.Storage.EnsureCreatedAsync();
        await factory.Storage.Uploads.GetBlobClient(name).UploadAsync(BinaryData.FromString(content),
            new Azure.Storage.Blobs.Models.BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = storedType } });

        var response = await factory.CreateClient().GetAsync($"/media/original?name={Uri.EscapeDataString(name)}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal(content, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Pictures_are_typed_by_their_bytes_not_their_stored_type()
    {
        await using var factory = new DashboardFactory(azurite.ConnectionString);
        var name = $"hostile/{Guid.NewGuid():N}/photo.png";
        var png = SeededResults.ShapesImage().Png;
        await factory.Storage.EnsureCreatedAsync();
        await factory.Storage.Uploads.GetBlobClient(name).UploadAsync(new BinaryData(png),
            new Azure.Storage.Blobs.Models.BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "text/html" } });

        var response = await factory.CreateClient().GetAsync($"/media/original?name={Uri.EscapeDataString(name)}");

        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        Assert.Null(response.Content.Headers.ContentDisposition);
        Assert.Equal(png, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await factory.CreateClient().GetAsync("/media/original?name=missing-" + Guid.NewGuid())).StatusCode);
    }

    [Fact]
    public async Task Every_page_sends_the_content_security_policy()
    {
        await using var factory = new DashboardFactory(azurite.ConnectionString);
        var response = await factory.CreateClient().GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", csp);
        Assert.Contains("object-src 'none'", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.DoesNotContain("type=\"importmap\"", await response.Content.ReadAsStringAsync()); // an inline script the policy refuses
    }

    [Theory]
    [InlineData("attacker.example", HttpStatusCode.BadRequest)]
    [InlineData("attacker.example:5080", HttpStatusCode.BadRequest)]
    [InlineData("localhost:5080", HttpStatusCode.OK)]
    [InlineData("127.0.0.1:5080", HttpStatusCode.OK)]
    [InlineData("[::1]:5080", HttpStatusCode.OK)]
    public async Task Local_mode_answers_loopback_host_names_only(string host, HttpStatusCode expected)
    {
        await using var factory = new DashboardFactory(azurite.ConnectionString);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health");
        request.Headers.Host = host;

        Assert.Equal(expected, (await factory.CreateClient().SendAsync(request)).StatusCode);
    }

    [Theory]
    [InlineData("http://attacker.example", HttpStatusCode.Forbidden)]
    [InlineData("http://localhost:9999", HttpStatusCode.Forbidden)]
    [InlineData("http://localhost", HttpStatusCode.OK)]
    public async Task The_circuit_accepts_same_origin_browsers_only(string origin, HttpStatusCode expected)
    {
        await using var factory = new DashboardFactory(azurite.ConnectionString);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/_blazor/negotiate?negotiateVersion=1");
        request.Headers.Add("Origin", origin);

        Assert.Equal(expected, (await factory.CreateClient().SendAsync(request)).StatusCode);
    }

    [Theory]
    [InlineData("..", "'..' segment")]
    [InlineData("a\u202Egnp.png", "U+202E")]
    public async Task Upload_refuses_names_the_worker_would_refuse(string fileName, string reason)
    {
        await using var factory = new DashboardFactory(azurite.ConnectionString);
        var png = SeededResults.ShapesImage().Png;

        var outcome = await factory.Services.GetRequiredService<UploadService>()
            .UploadAsync(fileName, png.Length, new MemoryStream(png), CancellationToken.None);

        Assert.Contains(reason, outcome.Error);
        Assert.Null(await factory.Storage.GetImageAsync(outcome.BlobName));
    }

    [Fact]
    public async Task Upload_refuses_a_picture_over_the_workers_pixel_limit()
    {
        await using var factory = new DashboardFactory(azurite.ConnectionString);
        var bomb = HandMadePng.Png(30000, 30000, colourType: 2, bitDepth: 8, [0, 0, 0, 0]);
        var name = $"bomb-{Guid.NewGuid():N}.png";

        var outcome = await factory.Services.GetRequiredService<UploadService>()
            .UploadAsync(name, bomb.Length, new MemoryStream(bomb), CancellationToken.None);

        Assert.Contains("30000x30000", outcome.Error);
        Assert.Contains("the limit is 40000000", outcome.Error);
        Assert.False(await factory.Storage.Uploads.GetBlobClient(name).ExistsAsync());
    }

    [Fact]
    public async Task A_row_named_dot_dot_cannot_be_retried_and_its_delete_touches_no_blob()
    {
        await using var factory = new DashboardFactory(azurite.ConnectionString);
        var canary = $"{Guid.NewGuid():N}/canary.txt";
        var stray = "../results/" + canary;
        await factory.Storage.EnsureCreatedAsync();
        await factory.Storage.Results.GetBlobClient(canary).UploadAsync(BinaryData.FromString("keep me"));
        await factory.Storage.UpsertImageAsync(ImageIndexEntity.ForBlob(stray)); // as an unchecked event once recorded it
        var actions = factory.Services.GetRequiredService<ImageActionsService>();

        var refused = await Assert.ThrowsAsync<InvalidBlobNameException>(() => actions.RetryAsync(stray, CancellationToken.None));
        Assert.Contains("'..' segment", refused.Message);
        await actions.DeleteAsync(stray, CancellationToken.None);

        Assert.Null(await factory.Storage.GetImageAsync(stray));
        Assert.True(await factory.Storage.Results.GetBlobClient(canary).ExistsAsync());
    }
}
