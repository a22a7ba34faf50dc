namespace CloudSeg.Onnx.Quantization;

/// <summary>The integer type of quantized activations. Both describe the same grid (zero points 128 apart).</summary>
public enum ActivationType
{
    /// <summary>Signed, ONNX Runtime's default QDQ format (S8S8).</summary>
    Int8,

    /// <summary>Unsigned (U8S8): what ONNX Runtime's x86 int8 kernels compute with. It converts a signed Q → DQ pair
    /// itself only when the Q feeds a single DQ, so a tensor read by several layers (a residual block's input, an FPN
    /// level) leaves its readers in float unless the graph is unsigned to begin with.</summary>
    UInt8,
}
