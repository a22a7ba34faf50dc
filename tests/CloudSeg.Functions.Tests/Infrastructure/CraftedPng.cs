using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace CloudSeg.Functions.Tests.Infrastructure;

/// <summary>
/// Writes PNG files byte by byte, for inputs an image library would refuse to produce: 16-bit samples, or a header
/// that announces a huge picture while carrying almost no data.
/// </summary>
public static class CraftedPng
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>A 16-bit RGB PNG: a horizontal gradient with a bright square in the middle.</summary>
    public static byte[] Rgb16(int width, int height)
    {
        var raw = new MemoryStream();
        Span<byte> px = stackalloc byte[6];
        for (var y = 0; y < height; y++)
        {
            raw.WriteByte(0); // filter: none
            for (var x = 0; x < width; x++)
            {
                var inSquare = Math.Abs(x - width / 2) < width / 4 && Math.Abs(y - height / 2) < height / 4;
                ushort r = inSquare ? (ushort)65535 : (ushort)(x * 65535 / Math.Max(1, width - 1));
                ushort g = inSquare ? (ushort)60000 : (ushort)1000;
                ushort b = inSquare ? (ushort)0 : (ushort)30000;
                BinaryPrimitives.WriteUInt16BigEndian(px, r);
                BinaryPrimitives.WriteUInt16BigEndian(px[2..], g);
                BinaryPrimitives.WriteUInt16BigEndian(px[4..], b);
                raw.Write(px);
            }
        }
        return Build(width, height, bitDepth: 16, colorType: 2, raw.ToArray());
    }

    /// <summary>A valid header for <paramref name="width"/>×<paramref name="height"/> followed by one tiny data chunk.</summary>
    public static byte[] HeaderOnly(int width, int height) => Build(width, height, bitDepth: 8, colorType: 2, [0, 0, 0, 0]);

    private static byte[] Build(int width, int height, byte bitDepth, byte colorType, byte[] rawScanlines)
    {
        var png = new MemoryStream();
        png.Write(Signature);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = bitDepth;
        ihdr[9] = colorType;
        WriteChunk(png, "IHDR", ihdr);
        var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true)) z.Write(rawScanlines);
        WriteChunk(png, "IDAT", compressed.ToArray());
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void WriteChunk(Stream png, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        png.Write(word);
        var typeAndData = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typeAndData));
        png.Write(word);
    }

    private static uint Crc32(byte[] bytes)
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
