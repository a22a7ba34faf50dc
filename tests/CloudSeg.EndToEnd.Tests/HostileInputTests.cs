using System.Net;
using System.Net.WebSockets;
using Azure.Storage.Blobs.Models;
using CloudSeg.Storage;
using CloudSeg.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CloudSeg.EndToEnd.Tests;

/// <summary>
/// Issue 11's findings replayed as an attacker would, against the real processes (dashboard and functions runner as
/// `cloudseg up` starts them: Production, their own appsettings.json) and Azurite; each test asserts the safe outcome.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class HostileInputTests(StackFixture stack)
{
    private static readonly TimeSpan LogTimeout = TimeSpan.FromSeconds(60);

    private HttpClient Client() => new() { BaseAddress = stack.Dashboard.BaseAddress };

    private static string Run() => Guid.NewGuid().ToString("N")[..8];

    // Finding 1: /media/original read any blob of any container.
    [Theory]
    [InlineData("../models/current")]
    [InlineData("x/../../models/current")]
    [InlineData("../results/a.png/result.json")]
    [InlineData("..")]
    public async Task Traversal_names_get_400_and_nothing_from_another_container(string name)
    {
        using var client = Client();
        foreach (var endpoint in new[] { "original", "thumb", "overlay", "result", "coco" })
        {
            var response = await client.GetAsync($"/media/{endpoint}?name={Uri.EscapeDataString(name)}");
            var body = await response.Content.ReadAsStringAsync();

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.StartsWith("Invalid image name.", body);
            AssertNoStackTrace(body);
        }
    }

    // Finding 2: HTML or SVG put straight into uploads ran as the dashboard.
    [Theory]
    [InlineData("page.html", "text/html", "<html><body><script>alert(document.cookie)</script></body></html>")]
    [InlineData("drawing.svg", "image/svg+xml", "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>")]
    public async Task Markup_blobs_are_served_only_as_nosniff_attachments(string file, string storedType, string content)
    {
        var name = $"{Run()}/{file}";
        await stack.Storage.Uploads.GetBlobClient(name).UploadAsync(BinaryData.FromString(content),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = storedType } });
        using var client = Client();

        var response = await client.GetAsync($"/media/original?name={Uri.EscapeDataString(name)}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", csp);
        Assert.Contains("object-src 'none'", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
    }

    // Finding 2, as a victim's browser sees it: opening the planted page downloads it; its script never runs.
    [Fact]
    public async Task A_planted_html_page_opened_in_the_browser_is_a_download_and_runs_nothing()
    {
        var name = $"{Run()}/planted.html";
        await stack.Storage.Uploads.GetBlobClient(name).UploadAsync(BinaryData.FromString("<html><script>alert('xss')</script></html>"),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "text/html" } });
        var page = await stack.NewPageAsync();
        var dialogs = 0;
        page.Dialog += (_, dialog) => { dialogs++; _ = dialog.DismissAsync(); };

        var download = await page.RunAndWaitForDownloadAsync(async () =>
        {
            try { await page.GotoAsync($"/media/original?name={Uri.EscapeDataString(name)}"); }
            catch (PlaywrightException) { } // navigation is aborted because the response is a download
        });

        Assert.Equal("planted.html", download.SuggestedFilename);
        Assert.Equal(0, dialogs);
    }

    // Finding 2 (CSP): the pages still work under the policy and Chromium reports no violation on any of them.
    [Fact]
    public async Task Pages_run_under_the_content_security_policy_without_violations()
    {
        var name = $"{Run()}-csp.png";
        await using (var content = File.OpenRead(TestImages.FixturePath(TestImages.WithInstances[0])))
            await stack.Storage.UploadImageAsync(name, content);
        await Eventually.TrueAsync(async () => await stack.Storage.GetImageAsync(name) is { Status: ImageStatus.Succeeded },
            $"{name} to be segmented", TimeSpan.FromMinutes(2));
        var page = await stack.NewPageAsync();
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)) violations.Add(message.Text);
        };
        page.PageError += (_, error) => violations.Add(error);

        foreach (var path in new[] { "/", "/upload", "/failures", "/operations", "/models", "/training", PageExtensions.DetailPath(name) })
        {
            var response = await page.GotoAsync(path);
            Assert.Contains("default-src 'self'", await response!.HeaderValueAsync("content-security-policy"));
            // Interactive means the circuit's WebSocket connected: connect-src allows our own origin.
            await Expect(page.Locator("[data-testid=app]")).ToHaveAttributeAsync("data-interactive", "true");
        }
        // The detail page imports js/overlay.js and paints the overlay canvas: module scripts load under script-src 'self'.
        await page.WaitForFunctionAsync("() => { const c = document.querySelector('[data-testid=overlay-canvas]'); return c && c.width > 0; }");

        Assert.Empty(violations);
    }

    // Finding 3 and 12: a queued event for ../results/… made a Failures row whose Delete removed a results blob.
    [Fact]
    public async Task An_event_for_a_traversal_name_is_poisoned_logged_and_touches_nothing()
    {
        var run = Run();
        var canary = $"{run}/canary.txt";
        await stack.Storage.Results.GetBlobClient(canary).UploadAsync(BinaryData.FromString("keep me"));
        var name = "../results/" + canary;
        // Peeking sees the oldest 32 messages only, and the stack's other tests poison more than that; tests of one
        // collection run one at a time, so emptying the queue first leaves ours findable.
        await stack.Storage.Poison.ClearMessagesAsync();

        await stack.Storage.Requests.SendMessageAsync(EventJson(StorageNames.UploadsContainer, name));

        await WaitForLogAsync(stack.Runner, line => line.Contains($"'../results/{canary}'") && line.Contains("poison queue") && line.Contains("'..' segment"));
        // The function logs its verdict before the handler settles the message: wait for the poison queue itself.
        await Eventually.TrueAsync(async () => (await stack.Storage.Poison.PeekMessagesAsync(32)).Value.Any(m => m.Body.ToString().Contains(canary)),
            "the event to reach the poison queue");
        Assert.True(await stack.Storage.Results.GetBlobClient(canary).ExistsAsync());
        Assert.Null(await stack.Storage.GetImageAsync(name));
    }

    // Finding 12: retrying a row named with '..' showed the storage service's raw 400; its delete reached results.
    [Fact]
    public async Task A_stray_row_with_a_traversal_name_gets_a_human_sentence_and_its_delete_removes_only_the_row()
    {
        var run = Run();
        var canary = $"{run}-canary.txt";
        await stack.Storage.Results.GetBlobClient(canary).UploadAsync(BinaryData.FromString("keep me"));
        var name = "../results/" + canary; // as recorded before names were checked
        var row = ImageIndexEntity.ForBlob(name);
        row.Status = ImageStatus.Failed;
        row.ErrorKind = FailureKind.Poisoned; // bad input would offer no Retry at all
        row.Error = "Gave up after 5 attempts.";
        row.ProcessedAt = DateTimeOffset.UtcNow;
        await stack.Storage.UpsertImageAsync(row);
        var page = await stack.NewPageAsync();

        await page.OpenAsync("/failures");
        var failure = page.Locator("tr", new() { Has = page.Locator("[data-testid=failure-name]", new() { HasText = canary }) });
        await failure.Locator("[data-testid=retry]").ClickAsync();

        var snackbar = page.Locator(".mud-snackbar").Filter(new() { HasText = canary });
        await Expect(snackbar).ToContainTextAsync("cannot be retried");
        await Expect(snackbar).ToContainTextAsync("'..' segment");
        await Expect(snackbar).Not.ToContainTextAsync("Status: 400");
        await failure.Locator("[data-testid=delete]").ClickAsync();
        await Expect(failure).ToHaveCountAsync(0);
        // Deleted once the undo window (6 s in these tests) has passed.
        await Eventually.TrueAsync(async () => await stack.Storage.GetImageAsync(name) is null, "the stray row to be deleted");
        Assert.True(await stack.Storage.Results.GetBlobClient(canary).ExistsAsync());
    }

    // Finding 8: any Host header was served (DNS rebinding).
    [Theory]
    [InlineData("attacker.example", HttpStatusCode.BadRequest)]
    [InlineData("attacker.example:80", HttpStatusCode.BadRequest)]
    [InlineData("localhost", HttpStatusCode.OK)]
    public async Task Local_mode_serves_loopback_host_names_only(string host, HttpStatusCode expected)
    {
        using var client = Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Host = host;

        var response = await client.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
    }

    // Finding 8: a WebSocket upgrade with Origin: http://attacker.example got 101.
    [Fact]
    public async Task The_circuit_refuses_a_websocket_from_a_foreign_origin_and_accepts_its_own()
    {
        var hub = new UriBuilder(stack.Dashboard.BaseAddress) { Scheme = "ws", Path = "/_blazor" }.Uri;

        using var foreign = new ClientWebSocket();
        foreign.Options.CollectHttpResponseDetails = true;
        foreign.Options.SetRequestHeader("Origin", "http://attacker.example");
        await Assert.ThrowsAsync<WebSocketException>(() => foreign.ConnectAsync(hub, CancellationToken.None));
        Assert.Equal(HttpStatusCode.Forbidden, foreign.HttpStatusCode);

        using var own = new ClientWebSocket();
        own.Options.SetRequestHeader("Origin", stack.Dashboard.BaseAddress.GetLeftPart(UriPartial.Authority));
        await own.ConnectAsync(hub, CancellationToken.None);
        Assert.Equal(WebSocketState.Open, own.State);
        await own.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
    }

    // Finding 12: errors showed stack traces and source paths (Development environment).
    [Fact]
    public async Task Server_errors_show_no_stack_trace()
    {
        var name = $"{Run()}-broken.png";
        // A result.json that is not JSON makes /media/coco fail inside the dashboard.
        await stack.Storage.Results.GetBlobClient(ResultLayout.ResultJsonPath(name)).UploadAsync(BinaryData.FromString("{ not json"));
        using var client = Client();

        var response = await client.GetAsync($"/media/coco?name={Uri.EscapeDataString(name)}");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        AssertNoStackTrace(await response.Content.ReadAsStringAsync());
        // A name that is not in the index (here one refused outright) answers 404 with the not-found page, no trace.
        var refused = await client.GetAsync("/image?name=..");
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        AssertNoStackTrace(await refused.Content.ReadAsStringAsync());
    }

    // Finding 10: the log scope printed Dictionary`2; an event for another container was dropped silently.
    [Fact]
    public async Task Log_lines_name_the_blob_and_every_dropped_event_says_why()
    {
        var run = Run();
        var name = $"{run}-logged.png";
        await using (var content = File.OpenRead(TestImages.FixturePath(TestImages.WithInstances[0])))
            await stack.Storage.UploadImageAsync(name, content);
        await stack.Storage.Requests.SendMessageAsync(EventJson(StorageNames.ResultsContainer, $"{run}-elsewhere.png"));

        await WaitForLogAsync(stack.Runner, line => line.Contains($"Blob {name}") && line.Contains("Segmented"));
        await WaitForLogAsync(stack.Runner, line => line.Contains($"{run}-elsewhere.png") && line.Contains("dropped") && line.Contains("container 'results'"));
        Assert.DoesNotContain(stack.Runner.Output, line => line.Contains("Dictionary`2"));
    }

    // Finding 11: `cloudseg up` started the hosts without their appsettings.json (scan every 30 s, framework info logs).
    [Fact]
    public async Task The_hosts_run_with_their_own_appsettings()
    {
        // The runner's appsettings.json scans every 3 s (the built-in default is 30 s): a blob that arrived without an
        // event is announced well within 20 s.
        var name = $"{Run()}-no-event.png";
        await stack.Storage.Uploads.GetBlobClient(name).UploadAsync(new BinaryData(await File.ReadAllBytesAsync(TestImages.FixturePath(TestImages.WithInstances[0]))));
        await Eventually.TrueAsync(async () => await stack.Storage.GetImageAsync(name) is not null, $"the scanner to announce {name}", TimeSpan.FromSeconds(20));

        // The dashboard's appsettings.json keeps ASP.NET Core's per-request information lines out of its log.
        using var client = Client();
        for (var i = 0; i < 3; i++) (await client.GetAsync("/")).EnsureSuccessStatusCode();
        Assert.DoesNotContain(stack.Dashboard.Output, line => line.Contains("Request starting"));
    }

    // Finding 13: the dashboard accepted a 30000×30000 PNG and RTL-override names; fake events made failed rows.
    [Fact]
    public async Task The_upload_page_refuses_what_the_worker_would_refuse()
    {
        var run = Run();
        var page = await stack.NewPageAsync();
        await page.OpenAsync("/upload");
        var png = await File.ReadAllBytesAsync(TestImages.FixturePath(TestImages.WithInstances[0]));

        await page.Locator("[data-testid=upload-input]").SetInputFilesAsync(new[]
        {
            new FilePayload { Name = $"{run}-bomb.png", MimeType = "image/png", Buffer = HandMadePng.Png(30000, 30000, 2, 8, [0, 0, 0, 0]) },
            new FilePayload { Name = $"{run}-\u202Egnp.png", MimeType = "image/png", Buffer = png },
        });

        var refused = page.Locator("[data-testid=gallery-tile][data-status=refused] [data-testid=tile-error]");
        await Expect(refused.Filter(new() { HasText = "30000x30000" })).ToHaveCountAsync(1);
        await Expect(refused.Filter(new() { HasText = "U+202E" })).ToHaveCountAsync(1);
        await foreach (var blob in stack.Storage.Uploads.GetBlobsAsync(BlobTraits.None, BlobStates.None, run, default)) Assert.Fail($"{blob.Name} reached storage");
    }

    [Fact]
    public async Task A_fake_event_for_a_missing_blob_creates_no_failed_row()
    {
        var name = $"{Run()}-ghost.png";

        await stack.Storage.Requests.SendMessageAsync(EventJson(StorageNames.UploadsContainer, name));

        await WaitForLogAsync(stack.Runner, line => line.Contains($"Blob {name}") && line.Contains("dropped"));
        Assert.Null(await stack.Storage.GetImageAsync(name));
    }


    private static string EventJson(string container, string blobName) => BlobCreatedEventCodec.ToJson(BlobCreatedEventCodec.Create(
        "devstoreaccount1", container, blobName, new Uri($"http://127.0.0.1:10000/devstoreaccount1/{container}/x"),
        "0x8D0000000000001", "image/png", 100, DateTimeOffset.UtcNow));

    private static Task WaitForLogAsync(HostProcess host, Func<string, bool> match) =>
        Eventually.TrueAsync(() => Task.FromResult(host.Output.Any(match)), $"a matching log line from {host.Name}:\n{host.RecentOutput}", LogTimeout);

    private static void AssertNoStackTrace(string body)
    {
        Assert.DoesNotContain("   at ", body);
        Assert.DoesNotContain(".cs:line", body);
        Assert.DoesNotContain("Exception", body);
    }
}
