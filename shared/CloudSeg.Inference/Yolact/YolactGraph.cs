namespace CloudSeg.Inference;

/// <summary>
/// The contract of CloudSeg's YOLACT export (training's YolactOnnxExporter): input <c>image</c> float [3, H, W] RGB in
/// [0, 1]; outputs per prior <c>boxes</c> [P, 4] in S×S input pixels, <c>scores</c> [P, C] without the background,
/// <c>coefficients</c> [P, k]; and <c>prototypes</c> [k, h, w]. S is the card's input size.
/// </summary>
public static class YolactGraph
{
    public const string ImageInput = "image";
    public const string BoxesOutput = "boxes", ScoresOutput = "scores", CoefficientsOutput = "coefficients", PrototypesOutput = "prototypes";
}
