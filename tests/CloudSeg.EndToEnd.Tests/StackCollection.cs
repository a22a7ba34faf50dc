namespace CloudSeg.EndToEnd.Tests;

/// <summary>One stack for every browser test: starting Azurite, the runner and the dashboard costs seconds and memory.</summary>
[CollectionDefinition(Name)]
public sealed class StackCollection : ICollectionFixture<StackFixture>
{
    public const string Name = "stack";
}
