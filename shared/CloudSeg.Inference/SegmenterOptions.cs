namespace CloudSeg.Inference;

/// <summary>How the segmenter loads and runs a model. Bound from the configuration section "Segmenter".</summary>
public sealed class SegmenterOptions
{
    public const string SectionName = "Segmenter";

    /// <summary>Overrides the card's format and graph detection.</summary>
    public ModelFormat? Format { get; set; }

    /// <summary>Overrides the card's class names (index 0 = background).</summary>
    public IReadOnlyList<string>? ClassNames { get; set; }

    /// <summary>Threads one Run uses for an operator; 0 lets ONNX Runtime pick (one per core).</summary>
    public int IntraOpThreads { get; set; }

    /// <summary>Threads for running independent operators in parallel; only used when <see cref="ParallelExecution"/>.</summary>
    public int InterOpThreads { get; set; }

    public bool ParallelExecution { get; set; }

    /// <summary>Let ONNX Runtime's worker threads spin while waiting. Off by default: spinning burns the cores that image
    /// decoding and encoding run on between operators, which costs more than it saves on small machines.</summary>
    public bool AllowSpinning { get; set; }

    public bool PreferCuda { get; set; } = true;

    /// <summary>Which graph of the package to run: Auto (int8 on CPU hosts when the package has one, else float),
    /// Float32 or Int8 (an error when the package has no int8 graph).</summary>
    public ModelPrecision Precision { get; set; } = ModelPrecision.Auto;

    public int CudaDeviceId { get; set; }

    /// <summary>When set, ONNX Runtime's profiler records every operator run into <c>&lt;prefix&gt;_&lt;date&gt;.json</c>
    /// (see <see cref="MaskRcnnSegmenter.EndProfiling"/> and <see cref="OperatorProfile"/>). Costs time; for benchmarks.</summary>
    public string? ProfilePrefix { get; set; }

    /// <summary>Minimum final score; null uses the card's threshold, else 0.5.</summary>
    public float? ScoreThreshold { get; set; }

    /// <summary>Mask probability threshold; null uses the card's threshold, else 0.5.</summary>
    public float? MaskThreshold { get; set; }

    /// <summary>Multiply scores by the predicted mask IoU when the model has a MaskIoU head.</summary>
    public bool UseMaskIouRescoring { get; set; } = true;

    /// <summary>Images with a longer side are downscaled before the graph (the graph resizes to ~1333 anyway), which
    /// bounds the input tensor's memory. Boxes and masks are mapped back to the full image.</summary>
    public int MaxInputSide { get; set; } = 4096;

    /// <summary>Longest/shortest side ratio the graph is given; more elongated images are zero-padded along their short
    /// side, because a graph that resizes by the long side would shrink the short side to nothing.</summary>
    public int MaxAspectRatio { get; set; } = 16;

    /// <summary>Cut torchvision's full-size mask pasting out of the graph at load time and paste the kept masks ourselves.</summary>
    public bool CutMaskPasting { get; set; } = true;

    /// <summary>Make a torchvision graph pick its resized size exactly as torchvision does (see <see cref="ResizeRoundingFix"/>).</summary>
    public bool FixResizeRounding { get; set; } = true;

    /// <summary>Replace torchvision's per-level RoI pooling scatters by Concat + Gather (see <see cref="MultiScaleRoIAlignGather"/>).</summary>
    public bool GatherPooledLevels { get; set; } = true;
}

/// <summary>Per-call overrides of the segmenter's thresholds.</summary>
public sealed record SegmentRequestOptions
{
    public float? ScoreThreshold { get; init; }
    public float? MaskThreshold { get; init; }
    public bool? UseMaskIouRescoring { get; init; }

    /// <summary>
    /// The size of the picture the given image was shrunk from (see <see cref="ISegmenter.WorkingSize"/>):
    /// boxes and masks are then given in that size. Null: the image is the picture.
    /// </summary>
    public (int Width, int Height)? SourceSize { get; init; }
}
