namespace CloudSeg.Training.Tests;

/// <summary>
/// Tests that seed or draw from torch's process-wide random generator (model building, RPN/RoI sampling) and compare
/// exact numbers. They must not interleave with other tests that draw from it, so this collection runs alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchGlobalStateCollection
{
    public const string Name = "torch global random state";
}
