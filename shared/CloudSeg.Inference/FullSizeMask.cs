using CloudSeg.Core.Masks;

namespace CloudSeg.Inference;

/// <summary>The fallback for graphs that paste masks themselves: threshold the graph's full-size mask (in tensor pixels)
/// and sample it back to the upright image by nearest neighbour (an exact copy when the tensor is the image).</summary>
internal static class FullSizeMask
{
    public static RleMask ToRle(ReadOnlySpan<float> probs, int maskHeight, int maskWidth, InputGeometry geometry, float threshold)
    {
        int width = geometry.ImageWidth, height = geometry.ImageHeight;
        var binary = new byte[width * height];
        for (var y = 0; y < height; y++)
        {
            var my = Math.Min((int)(y * geometry.ScaleY), maskHeight - 1);
            var row = probs.Slice(my * maskWidth, maskWidth);
            for (var x = 0; x < width; x++)
            {
                var mx = Math.Min((int)(x * geometry.ScaleX), maskWidth - 1);
                binary[y * width + x] = row[mx] > threshold ? (byte)1 : (byte)0;
            }
        }
        return RleMask.Encode(binary, height, width);
    }
}
