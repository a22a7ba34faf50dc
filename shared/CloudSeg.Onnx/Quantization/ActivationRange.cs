namespace CloudSeg.Onnx.Quantization;

/// <summary>The calibrated range of an activation tensor, and the signed int8 scale and zero point that cover it.</summary>
public readonly record struct ActivationRange(float Min, float Max)
{
    /// <summary>
    /// Asymmetric int8 parameters (ONNX Runtime's convention for activations): the range is widened to include 0 so
    /// that 0 (padding, Relu's floor) is exact, then [min, max] maps onto [-128, 127]:
    /// scale = (max − min) / 255, zero point = round(−128 − min / scale).
    /// </summary>
    public (float Scale, sbyte ZeroPoint) Int8Parameters()
    {
        var (scale, zeroPoint) = UInt8Parameters();
        return (scale, (sbyte)(zeroPoint - 128));
    }

    /// <summary>The same grid on [0, 255]: zero point = round(−min / scale). Signed and unsigned parameters describe
    /// identical values, offset by 128.</summary>
    public (float Scale, byte ZeroPoint) UInt8Parameters()
    {
        var min = Math.Min(Min, 0f);
        var max = Math.Max(Max, 0f);
        if (!float.IsFinite(min) || !float.IsFinite(max))
            throw new InvalidDataException($"Activation range [{Min}, {Max}] is not finite.");
        if (max - min < 1e-12f) return (1f, 128);
        var scale = (max - min) / 255f;
        var zeroPoint = Math.Clamp(MathF.Round(-min / scale, MidpointRounding.ToEven), 0f, 255f);
        return (scale, (byte)zeroPoint);
    }
}
