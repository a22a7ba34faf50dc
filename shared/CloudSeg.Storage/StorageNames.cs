namespace CloudSeg.Storage;

/// <summary>
/// Every container, queue and table CloudSeg uses. One place for the functions, the dashboard and the CLI; the Bicep
/// templates (infra/modules/storage.bicep) cannot read C# and spell the same names themselves, so change both together.
/// </summary>
public static class StorageNames
{
    /// <summary>Images to segment. Every blob created here becomes one BlobCreated event on <see cref="RequestsQueue"/>.</summary>
    public const string UploadsContainer = "uploads";

    /// <summary>Per-image results: <c>results/&lt;blob path&gt;/result.json|overlay.png|thumb.jpg</c> (see <see cref="ResultLayout"/>).</summary>
    public const string ResultsContainer = "results";

    /// <summary>Model registry: <c>models/&lt;version&gt;/model.onnx + model.card.json</c> and the <c>current</c> pointer blob.</summary>
    public const string ModelsContainer = "models";

    /// <summary>Labelled training data (COCO JSON + images); a change here makes the scheduled retraining run.</summary>
    public const string DatasetsContainer = "datasets";

    /// <summary>BlobCreated events (Event Grid schema, base64 message bodies) for blobs in <see cref="UploadsContainer"/>.</summary>
    public const string RequestsQueue = "segment-requests";

    /// <summary>Messages that failed <see cref="MaxDequeueCount"/> times (same name the Functions host uses: queue + "-poison").</summary>
    public const string PoisonQueue = RequestsQueue + "-poison";

    /// <summary>The image index: one row per uploaded blob (<see cref="ImageIndexEntity"/>).</summary>
    public const string ImagesTable = "images";

    /// <summary>One row per training run (<see cref="TrainingRunEntity"/>).</summary>
    public const string TrainingRunsTable = "trainingruns";

    /// <summary>Tries before a request message is moved to the poison queue (host.json queues.maxDequeueCount).</summary>
    public const int MaxDequeueCount = 5;

    public static IReadOnlyList<string> AllContainers { get; } =
        [UploadsContainer, ResultsContainer, ModelsContainer, DatasetsContainer];

    public static IReadOnlyList<string> AllQueues { get; } = [RequestsQueue, PoisonQueue];

    public static IReadOnlyList<string> AllTables { get; } = [ImagesTable, TrainingRunsTable];
}
