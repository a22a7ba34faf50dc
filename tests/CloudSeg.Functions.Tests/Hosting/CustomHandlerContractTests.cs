using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CloudSeg.Functions.CustomHandler;
using CloudSeg.Functions.Models;
using CloudSeg.Functions.Tests.Infrastructure;
using CloudSeg.Storage;
using CloudSeg.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CloudSeg.Functions.Tests.Hosting;

/// <summary>
/// Posts what the Azure Functions host posts to a custom handler (POST /{function} with Data + Metadata) and checks
/// the replies and their effects in a real Azurite.
/// </summary>
public sealed class CustomHandlerContractTests(CustomHandlerContractTests.HandlerFixture handler)
    : IClassFixture<CustomHandlerContractTests.HandlerFixture>
{
    private readonly CloudSegStorage _storage = handler.Storage;
    private readonly HttpClient _client = handler.Client;

    /// <summary>A private Azurite and the custom handler in-process, with its model loaded.</summary>
    public sealed class HandlerFixture : IAsyncLifetime
    {
        private readonly AzuriteFixture _azurite = new();
        private WebApplicationFactory<CustomHandlerEntryPoint> _factory = null!;
        private string _modelCache = "";

        public CloudSegStorage Storage { get; private set; } = null!;
        public HttpClient Client { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            await _azurite.InitializeAsync();
            Storage = CloudSegStorage.Create(new StorageOptions { ConnectionString = _azurite.ConnectionString });
            await Storage.EnsureCreatedAsync();
            var settings = FunctionsSettings.For(_azurite.ConnectionString);
            _modelCache = settings["Models:CacheDirectory"]!;
            _factory = new WebApplicationFactory<CustomHandlerEntryPoint>().WithWebHostBuilder(b =>
                b.ConfigureAppConfiguration(c => c.AddInMemoryCollection(settings)));
            Client = _factory.CreateClient();
            await _factory.Services.GetRequiredService<ModelProvider>().WhenLoaded.WaitAsync(TimeSpan.FromSeconds(60));
        }

        public async Task DisposeAsync()
        {
            Client.Dispose();
            await _factory.DisposeAsync();
            await _azurite.DisposeAsync();
            if (Directory.Exists(_modelCache)) Directory.Delete(_modelCache, recursive: true);
        }
    }

    [Fact]
    public async Task Queue_invocation_with_the_hosts_payload_segments_and_replies_with_outputs_logs_and_return_value()
    {
        var name = "handler/" + Guid.NewGuid().ToString("N")[..8] + ".png";
        var eventJson = await UploadWithoutEventAsync(name, TestImages.SmallShapes);

        var response = await _client.PostAsync("/SegmentImage", JsonContent.Create(QueuePayload(eventJson, dequeueCount: 1)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reply = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.NotNull(reply["Outputs"]);
        Assert.Equal("Succeeded", reply["Logs"]![0]!.GetValue<string>());
        Assert.Equal("Succeeded", reply["ReturnValue"]!.GetValue<string>());
        var row = await _storage.GetImageAsync(name);
        Assert.Equal(ImageStatus.Succeeded, row!.Status);
        Assert.NotNull(await _storage.ReadResultAsync(name));
    }

    [Fact]
    public async Task Bad_input_completes_the_invocation_so_the_host_does_not_retry_it()
    {
        var name = "handler/" + Guid.NewGuid().ToString("N")[..8] + ".jpg";
        var eventJson = await UploadWithoutEventAsync(name, "<html>not an image</html>"u8.ToArray());

        var response = await _client.PostAsync("/SegmentImage", JsonContent.Create(QueuePayload(eventJson, dequeueCount: 1)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Failed: The input is not an image", await response.Content.ReadAsStringAsync());
        Assert.Equal(FailureKind.BadInput, (await _storage.GetImageAsync(name))!.ErrorKind);
    }

    [Fact]
    public async Task Transient_failure_fails_the_invocation_and_on_the_last_delivery_the_row_records_the_poisoning()
    {
        var name = "handler/" + Guid.NewGuid().ToString("N")[..8] + ".png";
        var eventJson = await UploadWithoutEventAsync(name, TestImages.SmallShapes);
        await _storage.Results.DeleteAsync();

        var early = await _client.PostAsync("/SegmentImage", JsonContent.Create(QueuePayload(eventJson, dequeueCount: 2)));
        Assert.Equal(HttpStatusCode.InternalServerError, early.StatusCode);
        Assert.Equal(ImageStatus.Queued, (await _storage.GetImageAsync(name))!.Status);

        var last = await _client.PostAsync("/SegmentImage", JsonContent.Create(QueuePayload(eventJson, dequeueCount: StorageNames.MaxDequeueCount)));
        Assert.Equal(HttpStatusCode.InternalServerError, last.StatusCode);
        var row = await _storage.GetImageAsync(name);
        Assert.Equal((ImageStatus.Failed, FailureKind.Poisoned), (row!.Status, row.ErrorKind));
        await Eventually.TrueAsync(async () =>
        {
            try { await _storage.Results.CreateIfNotExistsAsync(); return true; }
            catch (Azure.RequestFailedException ex) when (ex.Status == 409) { return false; }
        }, "the results container to be recreated");
    }

    [Fact]
    public async Task Message_delivered_as_base64_text_or_as_a_json_object_is_understood()
    {
        var name = "handler/" + Guid.NewGuid().ToString("N")[..8] + ".png";
        var eventJson = await UploadWithoutEventAsync(name, TestImages.SmallShapes);
        var asObject = new { Data = new { msg = JsonNode.Parse(eventJson) }, Metadata = new { DequeueCount = 1, Id = "m-1" } };

        var response = await _client.PostAsync("/SegmentImage", JsonContent.Create(asObject));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ImageStatus.Succeeded, (await _storage.GetImageAsync(name))!.Status);
    }

    [Fact]
    public async Task A_message_that_is_not_an_event_is_poisoned_at_once_and_completes_the_invocation()
    {
        var body = "{\"hello\":\"" + Guid.NewGuid().ToString("N") + "\"}";

        var response = await _client.PostAsync("/SegmentImage", JsonContent.Create(QueuePayload(body, dequeueCount: 1)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // the host deletes the original instead of retrying it
        Assert.Contains("Unreadable", await response.Content.ReadAsStringAsync());
        var poisoned = (await _storage.Poison.PeekMessagesAsync(32)).Value.Select(m => m.Body.ToString());
        Assert.Contains(body, poisoned);
    }

    [Fact]
    public async Task Timer_invocations_run_retraining_and_the_scanner()
    {
        var timer = new
        {
            Data = new { timer = new { Schedule = new { AdjustForDST = true }, ScheduleStatus = (object?)null, IsPastDue = false } },
            Metadata = new { sys = new { MethodName = "RetrainOnSchedule", UtcNow = DateTime.UtcNow, RandGuid = Guid.NewGuid() } },
        };
        var retrain = await _client.PostAsync("/RetrainOnSchedule", JsonContent.Create(timer));
        Assert.Equal(HttpStatusCode.OK, retrain.StatusCode);
        Assert.Contains("skipped: datasets/ holds no labelled data", await retrain.Content.ReadAsStringAsync());

        var name = "handler/" + Guid.NewGuid().ToString("N")[..8] + ".png";
        await _storage.Uploads.GetBlobClient(name).UploadAsync(new BinaryData(TestImages.SmallShapes));
        var scan = await _client.PostAsync("/ScanUploads", JsonContent.Create(timer));
        Assert.Equal(HttpStatusCode.OK, scan.StatusCode);
        Assert.Matches("Announced [1-9][0-9]* blobs that had no event", await scan.Content.ReadAsStringAsync());
        Assert.Equal(ImageStatus.Queued, (await _storage.GetImageAsync(name))!.Status);

        var track = await _client.PostAsync("/TrackTrainingRuns", JsonContent.Create(timer));
        Assert.Equal(HttpStatusCode.OK, track.StatusCode);
    }

    [Fact]
    public void Function_folders_match_the_handler_routes_and_the_storage_contract()
    {
        var root = Path.Combine(RepoPaths.Root, "functions", "CloudSeg.Functions.CustomHandler");
        var host = JsonNode.Parse(File.ReadAllText(Path.Combine(root, "host.json")))!;
        Assert.Equal(StorageNames.MaxDequeueCount, host["extensions"]!["queues"]!["maxDequeueCount"]!.GetValue<int>());
        Assert.Equal("CloudSeg.Functions.CustomHandler", host["customHandler"]!["description"]!["defaultExecutablePath"]!.GetValue<string>());

        var functions = Directory.GetDirectories(root).Where(d => File.Exists(Path.Combine(d, "function.json")))
            .ToDictionary(d => Path.GetFileName(d)!, d => JsonNode.Parse(File.ReadAllText(Path.Combine(d, "function.json")))!);
        Assert.Equal(["RetrainOnSchedule", "ScanUploads", "SegmentImage", "TrackTrainingRuns"], functions.Keys.Order());
        var trigger = functions["SegmentImage"]!["bindings"]![0]!;
        Assert.Equal("queueTrigger", trigger["type"]!.GetValue<string>());
        Assert.Equal(StorageNames.RequestsQueue, trigger["queueName"]!.GetValue<string>());
        Assert.Equal(FunctionEndpoints.QueueBinding, trigger["name"]!.GetValue<string>());
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "SegmentImage", "function.json")), "function.json ships with the build");
    }

    // Puts the blob in place and returns the event Event Grid would have queued for it (the test plays the host).
    private async Task<string> UploadWithoutEventAsync(string name, byte[] content)
    {
        var blob = _storage.Uploads.GetBlobClient(name);
        await blob.UploadAsync(new BinaryData(content));
        var props = (await blob.GetPropertiesAsync()).Value;
        return BlobCreatedEventCodec.ToJson(BlobCreatedEventCodec.Create("devstoreaccount1", StorageNames.UploadsContainer, name, blob.Uri,
            BlobVersion.Of(props.ETag), props.ContentType, props.ContentLength, props.LastModified));
    }

    // The shape the Functions host sends for a queue trigger: the message as a string under the binding name, and the
    // queue trigger metadata (numbers as numbers, times as ISO strings) plus "sys".
    private static object QueuePayload(string messageText, int dequeueCount) => new Dictionary<string, object>
    {
        ["Data"] = new Dictionary<string, object> { [FunctionEndpoints.QueueBinding] = messageText },
        ["Metadata"] = new Dictionary<string, object?>
        {
            ["DequeueCount"] = dequeueCount,
            ["ExpirationTime"] = DateTimeOffset.UtcNow.AddDays(7).ToString("O"),
            ["Id"] = Guid.NewGuid().ToString(),
            ["InsertionTime"] = DateTimeOffset.UtcNow.ToString("O"),
            ["NextVisibleTime"] = DateTimeOffset.UtcNow.AddMinutes(10).ToString("O"),
            ["PopReceipt"] = "AgAAAAMAAAAAAAAAAgtnj8x+1QE=",
            ["sys"] = new { MethodName = "SegmentImage", UtcNow = DateTime.UtcNow.ToString("O"), RandGuid = Guid.NewGuid().ToString() },
        },
    };
}
