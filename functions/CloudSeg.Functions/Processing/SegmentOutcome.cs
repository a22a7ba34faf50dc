namespace CloudSeg.Functions.Processing;

/// <summary>What the trigger must do with the message after <see cref="SegmentImage"/> ran.</summary>
public enum SegmentOutcomeKind
{
    /// <summary>Result written. Delete the message.</summary>
    Succeeded,

    /// <summary>This blob version already has a result from this model (idempotent no-op). Delete the message.</summary>
    AlreadyDone,

    /// <summary>Bad input, recorded as failed. Retrying cannot help: delete the message.</summary>
    Failed,

    /// <summary>A transient failure; leave the message to reappear after <see cref="SegmentOutcome.RetryAfter"/>.</summary>
    Retry,

    /// <summary>The last allowed try failed; the row says so. Move the message to the poison queue.</summary>
    Poisoned,

    /// <summary>
    /// The blob was deleted or replaced by a newer version before this run could record its outcome: nothing of this
    /// run stays (a deleted blob keeps no row or results; a newer version is processed on its own event). Delete it.
    /// </summary>
    Superseded,

    /// <summary>A BlobCreated event for another container: nothing to do, delete it.</summary>
    Ignored,

    /// <summary>
    /// Not a BlobCreated event at all (not base64, not JSON, another event type): no retry can change that, so the
    /// message goes to the poison queue at once, where it can be looked at, instead of holding a slot five times.
    /// </summary>
    Unreadable,
}

public sealed record SegmentOutcome(SegmentOutcomeKind Kind, string? Reason = null, TimeSpan RetryAfter = default)
{
    /// <summary>Whether the message is finished with (deleted by the trigger) rather than retried or poisoned.</summary>
    public bool Completes => Kind is SegmentOutcomeKind.Succeeded or SegmentOutcomeKind.AlreadyDone
        or SegmentOutcomeKind.Failed or SegmentOutcomeKind.Superseded or SegmentOutcomeKind.Ignored;
}
