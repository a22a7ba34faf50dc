using CloudSeg.Storage;
using CloudSeg.Testing;

namespace CloudSeg.Dashboard.Tests.Storage;

/// <summary>One Azurite for every storage-backed test class (starting one costs seconds); tests use distinct blob names.</summary>
[CollectionDefinition(Name)]
public sealed class StorageCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "azurite";

    public static CloudSegStorage StorageFor(AzuriteFixture azurite) =>
        CloudSegStorage.Create(new StorageOptions { ConnectionString = azurite.ConnectionString });
}
