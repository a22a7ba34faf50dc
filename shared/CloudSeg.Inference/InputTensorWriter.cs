using CloudSeg.Core.Imaging;

namespace CloudSeg.Inference;

/// <summary>Writes an RGB image into a float CHW tensor: optional bilinear resize, channel order, scale, mean, and zero
/// padding (or a letterbox frame).</summary>
public static class InputTensorWriter
{
    /// <summary>Fills <paramref name="tensor"/> (3 × TensorHeight × TensorWidth floats) for <paramref name="geometry"/>.</summary>
    public static void Write(RgbImage image, InputGeometry geometry, InputRecipe recipe, Span<float> tensor)
    {
        CheckLength(tensor, geometry.TensorWidth * geometry.TensorHeight);
        if (geometry.ResizedWidth != geometry.TensorWidth || geometry.ResizedHeight != geometry.TensorHeight)
            tensor.Clear();
        Place(image, geometry.ResizedWidth, geometry.ResizedHeight, geometry.TensorWidth, geometry.TensorHeight, 0, 0, recipe, tensor);
    }

    /// <summary>Fills <paramref name="tensor"/> (3 × Side × Side floats, RGB in [0,1]) with the image letterboxed as
    /// <paramref name="letterbox"/> says: resized, centred, and framed by <see cref="Letterbox.FillValue"/>.</summary>
    public static void WriteLetterboxed(RgbImage image, Letterbox letterbox, Span<float> tensor)
    {
        CheckLength(tensor, letterbox.Side * letterbox.Side);
        tensor.Fill(Letterbox.FillValue / 255f);
        Place(image, letterbox.ResizedWidth, letterbox.ResizedHeight, letterbox.Side, letterbox.Side, letterbox.Left, letterbox.Top,
            Letterbox.Recipe, tensor);
    }

    private static void CheckLength(Span<float> tensor, int plane)
    {
        if (tensor.Length != 3 * plane)
            throw new ArgumentException($"Tensor holds {tensor.Length} floats, expected {3 * plane}.", nameof(tensor));
    }

    /// <summary>Writes the image, resized to <paramref name="width"/>×<paramref name="height"/>, into the tensor with its
    /// top-left corner at (<paramref name="left"/>, <paramref name="top"/>); the rest of the tensor is left as it is.</summary>
    private static void Place(RgbImage image, int width, int height, int tensorWidth, int tensorHeight, int left, int top, InputRecipe recipe, Span<float> tensor)
    {
        var plane = tensorWidth * tensorHeight;
        // Tensor channel c reads source channel sourceChannel[c]; value = byte * scale - mean[c].
        Span<int> sourceChannel = recipe.Bgr ? [2, 1, 0] : [0, 1, 2];
        Span<float> mean = [recipe.Mean[0], recipe.Mean[1], recipe.Mean[2]];
        var origin = top * tensorWidth + left;
        if (width == image.Width && height == image.Height)
            Copy(image, tensorWidth, plane, origin, sourceChannel, recipe.ValueScale, mean, tensor);
        else
            ResizeBilinear(image, width, height, tensorWidth, plane, origin, sourceChannel, recipe.ValueScale, mean, tensor);
    }

    private static void Copy(RgbImage image, int stride, int plane, int origin, ReadOnlySpan<int> sourceChannel, float scale, ReadOnlySpan<float> mean, Span<float> tensor)
    {
        var pixels = image.Pixels;
        for (var c = 0; c < 3; c++)
        {
            var channel = tensor.Slice(c * plane + origin, plane - origin);
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
    private static void ResizeBilinear(RgbImage image, int width, int height, int stride, int plane, int origin, ReadOnlySpan<int> sourceChannel,
        float scale, ReadOnlySpan<float> mean, Span<float> tensor)
    {
        var (x0, x1, wx) = SampleTable(image.Width, width);
        var (y0, y1, wy) = SampleTable(image.Height, height);
        var pixels = image.Pixels;
        var rowBytes = image.Width * 3;
        for (var y = 0; y < height; y++)
        {
            int top = y0[y] * rowBytes, bottom = y1[y] * rowBytes;
            float fy = wy[y], gy = 1f - fy;
            for (var c = 0; c < 3; c++)
            {
                var row = tensor.Slice(c * plane + origin + y * stride, width);
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
