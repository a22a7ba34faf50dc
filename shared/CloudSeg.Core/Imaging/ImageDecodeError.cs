namespace CloudSeg.Core.Imaging;

/// <summary>Why an input could not be turned into an <see cref="RgbImage"/>.</summary>
public enum ImageDecodeError
{
    /// <summary>No bytes at all.</summary>
    Empty,

    /// <summary>The bytes are not a picture (text, HTML, unknown binary).</summary>
    NotAnImage,

    /// <summary>A picture in a format we do not decode (e.g. TIFF, HEIC, AVIF, ICO).</summary>
    UnsupportedFormat,

    /// <summary>A supported format whose data is truncated or damaged.</summary>
    Corrupt,

    /// <summary>The header announces more pixels than <see cref="ImageDecodeOptions.MaxPixels"/>.</summary>
    TooManyPixels,

    /// <summary>A side is shorter than <see cref="ImageDecodeOptions.MinSide"/>.</summary>
    TooSmall,

    /// <summary>The encoded file is larger than <see cref="ImageDecodeOptions.MaxEncodedBytes"/>.</summary>
    TooLarge,
}
