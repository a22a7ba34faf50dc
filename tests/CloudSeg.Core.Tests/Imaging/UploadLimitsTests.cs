using System.Text;
using CloudSeg.Core.Imaging;
using CloudSeg.Testing;

namespace CloudSeg.Core.Tests.Imaging;

/// <summary>The header checks the dashboard and the CLI run before an upload, with the functions' own limits.</summary>
public class UploadLimitsTests
{
    private static byte[] HeaderOnlyPng(int width, int height) => HandMadePng.Png(width, height, colourType: 2, bitDepth: 8, [0, 0, 0, 0]);

    [Fact]
    public void Probe_with_the_upload_limits_refuses_what_decoding_would_refuse()
    {
        var limits = ImageDecodeOptions.ForUploads();

        var bomb = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Probe(HeaderOnlyPng(30000, 30000), limits));
        Assert.Equal(ImageDecodeError.TooManyPixels, bomb.Reason);
        Assert.Contains("30000x30000", bomb.Message);

        var tiny = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Probe(HeaderOnlyPng(8, 8), limits));
        Assert.Equal(ImageDecodeError.TooSmall, tiny.Reason);

        var big = Assert.Throws<ImageDecodeException>(() => ImageDecoder.Probe(HeaderOnlyPng(64, 64), new ImageDecodeOptions { MaxEncodedBytes = 10 }));
        Assert.Equal(ImageDecodeError.TooLarge, big.Reason);

        Assert.Equal(new ImageInfo(ImageFormat.Png, 640, 480, 1), ImageDecoder.Probe(HeaderOnlyPng(640, 480), limits));
        Assert.Equal(30000, ImageDecoder.Probe(HeaderOnlyPng(30000, 30000)).Width); // without limits: header facts only
    }

    [Fact]
    public void Sniffing_names_pictures_by_their_bytes_and_nothing_else()
    {
        Assert.Equal(ImageFormat.Png, ImageFormats.Sniff(HeaderOnlyPng(4, 4)));
        Assert.Equal("image/png", ImageFormats.MediaType(ImageFormat.Png));
        Assert.Equal("image/jpeg", ImageFormats.MediaType(ImageFormat.Jpeg));
        Assert.Null(ImageFormats.Sniff(Encoding.UTF8.GetBytes("<html><script>alert(1)</script></html>")));
        Assert.Null(ImageFormats.Sniff(Encoding.UTF8.GetBytes("<svg xmlns=\"http://www.w3.org/2000/svg\"/>")));
        Assert.Null(ImageFormats.Sniff([]));
    }
}
