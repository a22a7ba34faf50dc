using System.Runtime.InteropServices;
using SkiaSharp;

namespace CloudSeg.Core.Imaging;

/// <summary>
/// Turns untrusted encoded bytes (JPEG, PNG, WebP, BMP, GIF first frame) into an upright 8-bit <see cref="RgbImage"/>.
/// Grayscale becomes R=G=B; 16-bit PNG is reduced to 8 bits; CMYK JPEG is converted to RGB by the codec.
/// Alpha is DROPPED, not composited: the stored colour of each pixel is kept, as torchvision's
/// <c>read_image(..., ImageReadMode.RGB)</c> does, so models see the same pixels they were trained on.
/// Embedded ICC profiles are ignored (no colour management), again like torchvision and PIL.
/// The pixel limit is checked from the header before any pixel memory is allocated.
/// </summary>
public static class ImageDecoder
{
    private const int StripRows = 64;

    private static readonly ImageDecodeOptions DefaultOptions = new();

    public static unsafe RgbImage Decode(ReadOnlySpan<byte> encoded, ImageDecodeOptions? options = null)
    {
        options ??= DefaultOptions;
        CheckEncodedSize(encoded.Length, options);
        var format = Identify(encoded);
        fixed (byte* bytes = encoded)
        {
            // SKData wraps the caller's bytes without copying; the codec is disposed before the pin is released.
            using var data = SKData.Create((IntPtr)bytes, encoded.Length);
            using var codec = Open(data, format);
            var info = Describe(codec, format);
            CheckLimits(info, options);
            return ReadPixels(codec, format, options.MaxSide);
        }
    }

    public static RgbImage Decode(Stream stream, ImageDecodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= DefaultOptions;
        // A MemoryStream is decoded in place, without copying its bytes.
        if (stream is MemoryStream memory && memory.TryGetBuffer(out var buffer))
            return Decode(buffer.AsSpan((int)memory.Position), options);
        using var copy = NewBuffer(stream, options);
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk)) > 0)
            Append(copy, chunk.AsSpan(0, read), options);
        return Decode(copy.GetBuffer().AsSpan(0, (int)copy.Length), options);
    }

    public static async Task<RgbImage> DecodeAsync(Stream stream, ImageDecodeOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= DefaultOptions;
        using var copy = NewBuffer(stream, options);
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            Append(copy, chunk.AsSpan(0, read), options);
        return Decode(copy.GetBuffer().AsSpan(0, (int)copy.Length), options);
    }

    public static RgbImage DecodeFile(string path, ImageDecodeOptions? options = null) => Decode(File.ReadAllBytes(path), options);

    /// <summary>
    /// Reads only the header: format and upright size. Throws <see cref="ImageDecodeException"/> like Decode; with
    /// <paramref name="limits"/> also for what Decode would refuse under them (size, pixels, shortest side), so an
    /// upload can be refused up front for the same reason the worker would give.
    /// </summary>
    public static unsafe ImageInfo Probe(ReadOnlySpan<byte> encoded, ImageDecodeOptions? limits = null)
    {
        if (limits is not null) CheckEncodedSize(encoded.Length, limits);
        var format = Identify(encoded);
        fixed (byte* bytes = encoded)
        {
            using var data = SKData.Create((IntPtr)bytes, encoded.Length);
            using var codec = Open(data, format);
            var info = Describe(codec, format);
            if (limits is not null) CheckLimits(info, limits);
            return info;
        }
    }

    private static void CheckEncodedSize(long length, ImageDecodeOptions options)
    {
        if (length > options.MaxEncodedBytes || length > Array.MaxLength)
            throw new ImageDecodeException(ImageDecodeError.TooLarge,
                $"The file is larger than the limit of {Math.Min(options.MaxEncodedBytes, Array.MaxLength)} bytes.");
    }

    /// <summary>A buffer sized for a seekable stream's remaining bytes, refusing early when they exceed the limit.</summary>
    private static MemoryStream NewBuffer(Stream stream, ImageDecodeOptions options)
    {
        if (!stream.CanSeek) return new MemoryStream();
        var remaining = Math.Max(0, stream.Length - stream.Position);
        CheckEncodedSize(remaining, options);
        return new MemoryStream((int)remaining);
    }

    private static void Append(MemoryStream buffer, ReadOnlySpan<byte> chunk, ImageDecodeOptions options)
    {
        CheckEncodedSize(buffer.Length + chunk.Length, options);
        buffer.Write(chunk);
    }

    private static ImageFormat Identify(ReadOnlySpan<byte> encoded)
    {
        if (encoded.IsEmpty)
            throw new ImageDecodeException(ImageDecodeError.Empty, "The input is empty (0 bytes).");
        if (FormatSniffer.SupportedFormat(encoded) is { } format)
            return format;
        if (FormatSniffer.UnsupportedImageFormat(encoded) is { } unsupported)
            throw new ImageDecodeException(ImageDecodeError.UnsupportedFormat,
                $"{unsupported} pictures are not supported; use JPEG, PNG, WebP, BMP or GIF.");
        throw new ImageDecodeException(ImageDecodeError.NotAnImage,
            $"The input is not an image: it looks like {FormatSniffer.DescribeNonImage(encoded)} ({encoded.Length} bytes).");
    }

    private static SKCodec Open(SKData data, ImageFormat format)
    {
        var codec = SKCodec.Create(data);
        if (codec is null)
            throw new ImageDecodeException(ImageDecodeError.Corrupt, $"The {format} header is damaged or truncated.");
        return codec;
    }

    private static ImageInfo Describe(SKCodec codec, ImageFormat format)
    {
        var size = codec.Info;
        var origin = codec.EncodedOrigin;
        var swap = OrientedRowWriter.SwapsAxes(origin);
        return new ImageInfo(format, swap ? size.Height : size.Width, swap ? size.Width : size.Height, (int)origin);
    }

    private static void CheckLimits(ImageInfo info, ImageDecodeOptions options)
    {
        if (info.PixelCount > options.MaxPixels)
            throw new ImageDecodeException(ImageDecodeError.TooManyPixels,
                $"The {info.Format} is {info.Width}x{info.Height} = {info.PixelCount} pixels; the limit is {options.MaxPixels}.");
        // Beyond this the RGB buffer cannot be one .NET array, whatever MaxPixels says.
        if (info.PixelCount * 3 > Array.MaxLength)
            throw new ImageDecodeException(ImageDecodeError.TooManyPixels,
                $"The {info.Format} is {info.Width}x{info.Height} = {info.PixelCount} pixels, more than one RGB buffer can hold.");
        if (info.Width < options.MinSide || info.Height < options.MinSide)
            throw new ImageDecodeException(ImageDecodeError.TooSmall,
                $"The {info.Format} is {info.Width}x{info.Height}; each side must be at least {options.MinSide} pixels.");
    }

    private static unsafe RgbImage ReadPixels(SKCodec codec, ImageFormat format, int maxSide)
    {
        var stored = codec.Info;
        int width = stored.Width, height = stored.Height;
        var origin = codec.EncodedOrigin;
        var swap = OrientedRowWriter.SwapsAxes(origin);
        var (outWidth, outHeight) = AreaShrinker.Fit(width, height, maxSide);
        var shrinker = outWidth == width && outHeight == height ? null : new AreaShrinker(width, height, outWidth, outHeight);
        var rgb = GC.AllocateUninitializedArray<byte>(checked(outWidth * outHeight * 3));
        var writer = new OrientedRowWriter(origin, outWidth, outHeight, rgb);
        var rowBytes = checked(width * 4);

        void Emit(int y, ReadOnlySpan<byte> row)
        {
            if (shrinker is null)
            {
                writer.WriteRow(y, row);
                return;
            }
            var shrunk = shrinker.Add(row, out var outputRow);
            if (!shrunk.IsEmpty) writer.WriteRow(outputRow, shrunk);
        }

        // No colour space: the codec hands over the stored values without colour management.
        var rgbaInfo = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);

        // Preferred path: decode a strip of rows at a time, so only the RGB result is ever full-size.
        if (codec.StartScanlineDecode(rgbaInfo) == SKCodecResult.Success && codec.ScanlineOrder == SKCodecScanlineOrder.TopDown)
        {
            var rows = Math.Min(StripRows, height);
            var strip = (byte*)NativeMemory.Alloc((nuint)rowBytes * (nuint)rows);
            try
            {
                for (var y = 0; y < height; y += rows)
                {
                    var count = Math.Min(rows, height - y);
                    var decoded = codec.GetScanlines((IntPtr)strip, count, rowBytes);
                    if (decoded < count)
                        throw Truncated(format, y + decoded, height);
                    for (var r = 0; r < count; r++)
                        Emit(y + r, new ReadOnlySpan<byte>(strip + (long)r * rowBytes, rowBytes));
                }
            }
            finally
            {
                NativeMemory.Free(strip);
            }
        }
        else
        {
            // Interlaced PNG, GIF, WebP and bottom-up BMP decode as a whole.
            var size = (nuint)rowBytes * (nuint)height;
            var all = (byte*)NativeMemory.Alloc(size);
            try
            {
                var result = codec.GetPixels(rgbaInfo, (IntPtr)all, rowBytes, new SKCodecOptions(0));
                if (result == SKCodecResult.IncompleteInput)
                    throw Truncated(format, -1, height);
                if (result != SKCodecResult.Success)
                    throw new ImageDecodeException(ImageDecodeError.Corrupt, $"The {format} data is damaged ({result}).");
                for (var y = 0; y < height; y++)
                    Emit(y, new ReadOnlySpan<byte>(all + (long)y * rowBytes, rowBytes));
            }
            finally
            {
                NativeMemory.Free(all);
            }
        }

        return new RgbImage(swap ? outHeight : outWidth, swap ? outWidth : outHeight, rgb);
    }

    private static ImageDecodeException Truncated(ImageFormat format, int rowsDecoded, int height) =>
        new(ImageDecodeError.Corrupt, rowsDecoded >= 0
            ? $"The {format} data is truncated or damaged: only {rowsDecoded} of {height} rows could be decoded."
            : $"The {format} data is truncated: the file ends before the last row.");
}
