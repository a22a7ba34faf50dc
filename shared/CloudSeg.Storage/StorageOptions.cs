namespace CloudSeg.Storage;

/// <summary>
/// Where the storage account is (configuration section <c>Storage</c>). Locally a connection string (Azurite);
/// in Azure the three service URIs, reached with <c>DefaultAzureCredential</c> (managed identity) — never account keys.
/// </summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>Azurite / development connection string. When set it wins over the URIs.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>e.g. https://account.blob.core.windows.net</summary>
    public Uri? BlobServiceUri { get; set; }

    /// <summary>e.g. https://account.queue.core.windows.net</summary>
    public Uri? QueueServiceUri { get; set; }

    /// <summary>e.g. https://account.table.core.windows.net</summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary>Client id of a user-assigned managed identity; empty = system-assigned / developer credentials.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>Create the containers, queues and tables on first use (Azurite and tests); Azure provisions them in Bicep.</summary>
    public bool CreateIfMissing { get; set; } = true;

    /// <summary>
    /// Whether an upload queues its BlobCreated event itself. True only where no Event Grid subscription delivers one
    /// (Azurite): in Azure the subscription on <c>uploads</c> already does, and a second message would process the image
    /// twice. Unset, it follows the environment: a connection string (Azurite, development) announces, the service
    /// URIs (Azure, managed identity) do not. Bicep sets it to false explicitly.
    /// </summary>
    public bool? AnnounceUploads { get; set; }

    /// <summary><see cref="AnnounceUploads"/> with its default applied.</summary>
    public bool UploadsAnnounceThemselves => AnnounceUploads ?? !string.IsNullOrWhiteSpace(ConnectionString);

    /// <summary>The storage account name written into BlobCreated events' topic for events we raise ourselves.</summary>
    public string AccountName => ConnectionStringAccountName() ?? BlobServiceUri?.Host.Split('.')[0] ?? "devstoreaccount1";

    private string? ConnectionStringAccountName()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString)) return null;
        foreach (var part in ConnectionString.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = part.Split('=', 2);
            if (kv.Length == 2 && kv[0].Trim().Equals("AccountName", StringComparison.OrdinalIgnoreCase)) return kv[1].Trim();
        }
        return null;
    }
}
