using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace CloudSeg.Storage;

/// <summary>
/// The one entry point to CloudSeg's storage account for every host: uploads + their events, the image index,
/// results, the model registry and training runs. Thread-safe; register it as a singleton.
/// </summary>
public sealed partial class CloudSegStorage
{
    private readonly SemaphoreSlim _createLock = new(1, 1);
    private volatile bool _created;

    public CloudSegStorage(BlobServiceClient blobs, QueueServiceClient queues, TableServiceClient tables, StorageOptions options,
        QueueServiceClient undecodedQueues)
    {
        Options = options;
        BlobService = blobs;
        QueueService = queues;
        TableService = tables;
        Uploads = blobs.GetBlobContainerClient(StorageNames.UploadsContainer);
        Results = blobs.GetBlobContainerClient(StorageNames.ResultsContainer);
        Datasets = blobs.GetBlobContainerClient(StorageNames.DatasetsContainer);
        Registry = new ModelRegistry(blobs.GetBlobContainerClient(StorageNames.ModelsContainer));
        Requests = queues.GetQueueClient(StorageNames.RequestsQueue);
        Poison = queues.GetQueueClient(StorageNames.PoisonQueue);
        RequestsUndecoded = undecodedQueues.GetQueueClient(StorageNames.RequestsQueue);
        PoisonUndecoded = undecodedQueues.GetQueueClient(StorageNames.PoisonQueue);
        Images = tables.GetTableClient(StorageNames.ImagesTable);
        TrainingRuns = tables.GetTableClient(StorageNames.TrainingRunsTable);
    }

    /// <summary>Builds the clients from options: a connection string (Azurite) or service URIs + DefaultAzureCredential.</summary>
    public static CloudSegStorage Create(StorageOptions options)
    {
        // Event Grid base64-encodes the events it writes into storage queues; ours must look the same.
        var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        var undecodedOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None };
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return new CloudSegStorage(
                new BlobServiceClient(options.ConnectionString),
                new QueueServiceClient(options.ConnectionString, queueOptions),
                new TableServiceClient(options.ConnectionString),
                options,
                new QueueServiceClient(options.ConnectionString, undecodedOptions));
        }
        if (options.BlobServiceUri is null || options.QueueServiceUri is null || options.TableServiceUri is null)
        {
            throw new InvalidOperationException(
                "Storage is not configured: set Storage:ConnectionString (Azurite) or Storage:BlobServiceUri, " +
                "Storage:QueueServiceUri and Storage:TableServiceUri (Azure, managed identity).");
        }
        TokenCredential credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions
        {
            ManagedIdentityClientId = options.ManagedIdentityClientId,
        });
        return new CloudSegStorage(
            new BlobServiceClient(options.BlobServiceUri, credential),
            new QueueServiceClient(options.QueueServiceUri, credential, queueOptions),
            new TableServiceClient(options.TableServiceUri, credential),
            options,
            new QueueServiceClient(options.QueueServiceUri, credential, undecodedOptions));
    }

    public StorageOptions Options { get; }
    public BlobServiceClient BlobService { get; }
    public QueueServiceClient QueueService { get; }
    public TableServiceClient TableService { get; }
    public BlobContainerClient Uploads { get; }
    public BlobContainerClient Results { get; }
    public BlobContainerClient Datasets { get; }
    public ModelRegistry Registry { get; }
    public QueueClient Requests { get; }
    public QueueClient Poison { get; }

    /// <summary>
    /// <c>segment-requests</c> as the messages are on the wire, without base64 decoding. The worker receives through
    /// this one and decodes each message itself: the decoding client fails a whole batch receive on one message that
    /// is not base64, and that batch would come back again and again without ever being processed.
    /// </summary>
    public QueueClient RequestsUndecoded { get; }

    /// <summary><c>segment-requests-poison</c> without encoding, to copy a message received undecoded byte for byte.</summary>
    public QueueClient PoisonUndecoded { get; }
    public TableClient Images { get; }
    public TableClient TrainingRuns { get; }

    /// <summary>Creates every container, queue and table once per process (no-op when options say Azure provisions them).</summary>
    public async Task EnsureCreatedAsync(CancellationToken ct = default)
    {
        if (_created || !Options.CreateIfMissing) return;
        await _createLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_created) return;
            foreach (var container in StorageNames.AllContainers)
                await BlobService.GetBlobContainerClient(container).CreateIfNotExistsAsync(cancellationToken: ct).ConfigureAwait(false);
            foreach (var queue in StorageNames.AllQueues)
                await QueueService.GetQueueClient(queue).CreateIfNotExistsAsync(cancellationToken: ct).ConfigureAwait(false);
            foreach (var table in StorageNames.AllTables)
                await TableService.CreateTableIfNotExistsAsync(table, ct).ConfigureAwait(false);
            _created = true;
        }
        finally
        {
            _createLock.Release();
        }
    }

    /// <summary>Approximate number of messages waiting in <c>segment-requests</c>.</summary>
    public async Task<int> GetQueueDepthAsync(CancellationToken ct = default)
    {
        QueueProperties props = await Requests.GetPropertiesAsync(ct).ConfigureAwait(false);
        return props.ApproximateMessagesCount;
    }
}
