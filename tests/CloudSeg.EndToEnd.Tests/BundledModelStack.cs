using CloudSeg.Testing;

namespace CloudSeg.EndToEnd.Tests;

/// <summary>The stack serving what a user gets: the bundled default model (models/default), for pictures of the product.</summary>
public sealed class BundledModelStackFixture : StackFixture
{
    protected override string BundledModelDirectory => RepoPaths.DefaultModelDirectory;
}

[CollectionDefinition(Name)]
public sealed class BundledModelStackCollection : ICollectionFixture<BundledModelStackFixture>
{
    public const string Name = "bundled model stack";
}
