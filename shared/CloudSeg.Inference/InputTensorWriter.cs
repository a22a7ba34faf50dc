using CloudSeg.Core.Imaging;

namespace CloudSeg.Inference;

/// <summary>Writes an RGB image into a float CHW tensor: optional bilinear resize, channel order, scale, mean, zero padding.</summary>
public static class InputTensorWriter
{
    /// <summary>Fills <paramref name="tensor"/> (3 × TensorHeight × TensorWidth floats) for <paramref name="geometry"/>.</summary>
    public static void Write(RgbImage image, InputGeometry geometry, InputRecipe recipe, Span<float> tensor)
    {
        var plane = geometry.TensorWidth * geometry.TensorHeight;
        if (tensor.Length != 3 * plane)
            throw new ArgumentException($"Tensor holds {tensor.Length} floats, expected {3 * plane}.", nameof(tensor));
        if (geometry.ResizedWidth != geometry.TensorWidth || geometry.ResizedHeight != geometry.TensorHeight)
            tensor.Clear();

        // Tensor channel c reads source channel sourceChannel[c]; value = byte * scale - mean[c].
        Span<int> sourceChannel = recipe.Bgr ? [2, 1, 0] : [0, 1, 2];
        Span<float> mean = [recipe.Mean[0], recipe.Mean[1], recipe.Mean[2]];
        if (geometry.ResizedWidth == image.Width && geometry.ResizedHeight == image.Height)
            Copy(image, geometry.TensorWidth, plane, sourceChannel, recipe.ValueScale, mean, tensor);
        else
            ResizeBilinear(image, geometry, plane, sourceChannel, recipe.ValueScale, mean, tensor);
    }

    private static void Copy(RgbImage image, int stride, int plane, ReadOnlySpan<int> sourceChannel, float scale, ReadOnlySpan<float> mean, Span<float> tensor)
    {
        var pixels = image.Pixels;
        for (var c = 0; c < 3; c++)
        {
            var channel = tensor.Slice(c * plane, plane);
            var source = sourceChannel[c];
            var offset = mean[c];
            for (var y = 0; y < image.Height; y++)
            {
                var row = channel.Slice(y * stride, image.Width);
                var p = y * image.Width * 3 + source;
                for (var x = 0; x < row.Length; x++, p += 3)
                    row[x] = pixels[p] * scale - offset;
            }
        }
    }

    /// <summary>Bilinear resize with PyTorch's <c>interpolate(mode="bilinear", align_corners=False)</c> sampling
    /// (source = (dst + 0.5) · in/out − 0.5, clamped at 0), rounding as PyTorch does on CPU.</summary>
    private static void ResizeBilinear(RgbImage image, InputGeometry g, int plane, ReadOnlySpan<int> sourceChannel, float scale, ReadOnlySpan<float> mean, Span<float> tensor)
    {
        var (x0, x1, wx) = SampleTable(image.Width, g.ResizedWidth);
        var (y0, y1, wy) = SampleTable(image.Height, g.ResizedHeight);
        var pixels = image.Pixels;
        var rowBytes = image.Width * 3;
        for (var y = 0; y < g.ResizedHeight; y++)
        {
            int top = y0[y] * rowBytes, bottom = y1[y] * rowBytes;
            float fy = wy[y], gy = 1f - fy;
            for (var c = 0; c < 3; c++)
            {
                var row = tensor.Slice(c * plane + y * g.TensorWidth, g.ResizedWidth);
                var source = sourceChannel[c];
                var offset = mean[c];
                for (var x = 0; x < row.Length; x++)
                {
                    int left = x0[x] * 3 + source, right = x1[x] * 3 + source;
                    float fx = wx[x], gx = 1f - fx;
                    var value = gy * (gx * pixels[top + left] + fx * pixels[top + right])
                              + fy * (gx * pixels[bottom + left] + fx * pixels[bottom + right]);
                    row[x] = value * scale - offset;
                }
            }
        }
    }

    private static (int[] Lower, int[] Upper, float[] Weight) SampleTable(int inSize, int outSize)
    {
        var lower = new int[outSize];
        var upper = new int[outSize];
        var weight = new float[outSize];
        // As PyTorch's CPU kernel: the scale is a float, the source position is computed in double, the weight stored as float.
        double ratio = (float)inSize / outSize;
        for (var i = 0; i < outSize; i++)
        {
            var source = Math.Max(ratio * (i + 0.5) - 0.5, 0.0);
            var l = Math.Min((int)source, inSize - 1);
            lower[i] = l;
            upper[i] = Math.Min(l + 1, inSize - 1);
            weight[i] = (float)Math.Clamp(source - l, 0.0, 1.0);
        }
        return (lower, upper, weight);
    }
}
