using System.Buffers.Binary;
using System.IO.Compression;

namespace CloudSeg.Testing;

/// <summary>
/// PNG files written byte by byte, for inputs an image library would refuse to produce: any colour type and bit depth
/// (16-bit samples), or a header announcing a huge picture while carrying almost no data.
/// </summary>
public static class HandMadePng
{
    /// <summary>
    /// A PNG written by hand: IHDR with any colour type and bit depth, one zlib IDAT of the given raw rows
    /// (each row is prefixed with filter type 0 here), IEND, with real CRCs.
    /// </summary>
    public static byte[] Png(int width, int height, byte colourType, byte bitDepth, byte[]? rawRows)
    {
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = bitDepth;
        ihdr[9] = colourType;
        WriteChunk(png, "IHDR", ihdr);
        using (var compressed = new MemoryStream())
        {
            using (var zlib = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
                zlib.Write(rawRows ?? new byte[16]);
            WriteChunk(png, "IDAT", compressed.ToArray());
        }
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>Rows of big-endian 16-bit samples, each prefixed with filter byte 0.</summary>
    public static byte[] Rows16(int width, int height, int channels, Func<int, int, int, ushort> sample)
    {
        var rowBytes = 1 + width * channels * 2;
        var raw = new byte[rowBytes * height];
        for (var y = 0; y < height; y++)
        for (var x = 0; x < width; x++)
        for (var c = 0; c < channels; c++)
            BinaryPrimitives.WriteUInt16BigEndian(raw.AsSpan(y * rowBytes + 1 + (x * channels + c) * 2), sample(x, y, c));
        return raw;
    }

    /// <summary>Rows of 8-bit samples, each prefixed with filter byte 0.</summary>
    public static byte[] Rows8(int width, int height, int channels, Func<int, int, int, byte> sample)
    {
        var rowBytes = 1 + width * channels;
        var raw = new byte[rowBytes * height];
        for (var y = 0; y < height; y++)
        for (var x = 0; x < width; x++)
        for (var c = 0; c < channels; c++)
            raw[y * rowBytes + 1 + x * channels + c] = sample(x, y, c);
        return raw;
    }

    private static void WriteChunk(Stream png, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        png.Write(length);
        var typeAndData = new byte[4 + data.Length];
        System.Text.Encoding.ASCII.GetBytes(type, typeAndData);
        data.CopyTo(typeAndData, 4);
        png.Write(typeAndData);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typeAndData));
        png.Write(crc);
    }

    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }
}
