using CloudSeg.Functions.Processing;
using CloudSeg.Functions.Scanning;
using CloudSeg.Functions.Training;
using CloudSeg.Storage;

namespace CloudSeg.Functions.CustomHandler;

/// <summary>One POST route per function folder (the route is the folder name, as the custom handler contract requires).</summary>
public static class FunctionEndpoints
{
    /// <summary>Binding name of the queue trigger in SegmentImage/function.json.</summary>
    public const string QueueBinding = "msg";

    public static IEndpointRouteBuilder MapFunctions(this IEndpointRouteBuilder app)
    {
        app.MapPost("/SegmentImage", SegmentImageAsync);
        app.MapPost("/RetrainOnSchedule", async (InvocationRequest _, RetrainOnSchedule retrain, CancellationToken ct) =>
        {
            var result = await retrain.RunAsync("schedule", ct);
            return Results.Ok(new InvocationResponse { Logs = [$"Retraining {result.Action}: {result.Reason}"], ReturnValue = result.Run?.RunId });
        });
        app.MapPost("/TrackTrainingRuns", async (InvocationRequest _, RetrainOnSchedule retrain, CancellationToken ct) =>
        {
            var started = await retrain.PollAsync(ct);
            return Results.Ok(new InvocationResponse { Logs = [started is null ? "No requested run to start" : $"Requested run {started.Run?.RunId}: {started.Action}"] });
        });
        app.MapPost("/ScanUploads", async (InvocationRequest _, UploadsScanner scanner, CancellationToken ct) =>
        {
            var announced = await scanner.ScanAsync(ct);
            return Results.Ok(new InvocationResponse { Logs = [$"Announced {announced} blobs that had no event"] });
        });
        return app;
    }

    private static async Task<IResult> SegmentImageAsync(InvocationRequest request, SegmentImage segmentImage, CloudSegStorage storage,
        CancellationToken ct)
    {
        var body = request.DataText(QueueBinding);
        if (body is null)
        {
            return Results.Ok(new InvocationResponse { Logs = [$"No '{QueueBinding}' binding in the request; nothing to do."] });
        }
        var delivery = new MessageDelivery(request.MetadataText("Id") ?? "unknown", request.MetadataNumber("DequeueCount", 1));
        var outcome = await segmentImage.RunAsync(body, delivery, ct);
        var unreadable = outcome.Kind == SegmentOutcomeKind.Unreadable;
        if (unreadable)
        {
            // Retrying cannot make it an event: poison it now, as the host would after five tries, and let the host
            // delete the original. (A message that is not even base64 never gets here: the host's queue extension
            // moves it to the poison queue itself.)
            await storage.Poison.SendMessageAsync(body, ct);
        }
        var response = new InvocationResponse
        {
            Logs = [$"{outcome.Kind}{(outcome.Reason is null ? "" : ": " + outcome.Reason)}"],
            ReturnValue = outcome.Kind.ToString(),
        };
        // Failing the invocation hands retries (host.json visibilityTimeout) and poisoning (maxDequeueCount) to the host.
        return outcome.Completes || unreadable ? Results.Ok(response) : Results.Json(response, statusCode: StatusCodes.Status500InternalServerError);
    }
}
