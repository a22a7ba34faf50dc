namespace CloudSeg.Core.Imaging;

/// <summary>Thrown when an input is refused; <see cref="Reason"/> says why in a machine-readable way.</summary>
public sealed class ImageDecodeException : Exception
{
    public ImageDecodeException(ImageDecodeError reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    public ImageDecodeError Reason { get; }
}
