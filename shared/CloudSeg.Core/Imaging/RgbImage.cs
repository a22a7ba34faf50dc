namespace CloudSeg.Core.Imaging;

/// <summary>
/// An upright 8-bit RGB picture: interleaved R, G, B bytes, row-major, no row padding.
/// This is the one pixel format every stage (inference preprocessing, overlays, thumbnails) agrees on.
/// </summary>
public sealed class RgbImage
{
    public RgbImage(int width, int height, byte[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.LongLength != (long)width * height * 3)
            throw new ArgumentException($"Expected {(long)width * height * 3} bytes for {width}x{height} RGB, got {pixels.LongLength}.", nameof(pixels));
        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>RGB bytes, <c>Pixels[(y * Width + x) * 3 + c]</c>.</summary>
    public byte[] Pixels { get; }

    /// <summary>One row of pixels (Width * 3 bytes).</summary>
    public Span<byte> Row(int y) => Pixels.AsSpan(y * Width * 3, Width * 3);
}
