namespace CloudSeg.Core.Imaging;

/// <summary>Container formats the decoder accepts.</summary>
public enum ImageFormat
{
    Jpeg,
    Png,
    Webp,
    Bmp,
    Gif,
}
