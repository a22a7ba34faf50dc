namespace CloudSeg.Core.Imaging;

/// <summary>
/// Header facts about an encoded picture. <see cref="Width"/> and <see cref="Height"/> are those of the upright
/// picture (EXIF orientation applied); <see cref="ExifOrientation"/> is the raw tag value 1..8 (1 = upright).
/// </summary>
public sealed record ImageInfo(ImageFormat Format, int Width, int Height, int ExifOrientation)
{
    public long PixelCount => (long)Width * Height;
}
