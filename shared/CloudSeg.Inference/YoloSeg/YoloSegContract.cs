using CloudSeg.Onnx;

namespace CloudSeg.Inference;

/// <summary>
/// Where an Ultralytics YOLO-seg export keeps what: the image input [1,3,S,S], the detections output [1,4+nc+k,N] and
/// the prototypes output [1,k,S/4,S/4]. Found by the exporter's names (<c>images</c>, <c>output0</c>, <c>output1</c>)
/// when present, else by rank, so a renamed export still loads.
/// </summary>
public sealed record YoloSegContract(string Input, int InputSide, string Detections, string Prototypes, int ClassCount, int PrototypeCount, int Anchors)
{
    /// <summary>The side Ultralytics exports at by default, used when the graph leaves its input size symbolic.</summary>
    public const int DefaultInputSide = 640;

    /// <summary>Ultralytics' metadata key holding the class names as a Python dict literal.</summary>
    public const string NamesMetadataKey = "names";

    public static bool Matches(GraphSignature signature) =>
        signature.Inputs is [{ Rank: 4, IsFloat: true }]
        && signature.Outputs.Count == 2
        && signature.Outputs.Any(o => o is { Rank: 3, IsFloat: true })
        && signature.Outputs.Any(o => o is { Rank: 4, IsFloat: true });

    public static YoloSegContract Resolve(GraphSignature signature)
    {
        if (!Matches(signature))
            throw new InvalidDataException(
                $"The graph does not look like an Ultralytics YOLO-seg export: expected one float input [1,3,S,S] and float outputs " +
                $"[1,4+nc+32,N] and [1,32,S/4,S/4]; it has {signature}.");
        var input = signature.Inputs[0];
        var detections = signature.Outputs.FirstOrDefault(o => o.Name == "output0" && o.Rank == 3) ?? signature.Outputs.First(o => o.Rank == 3);
        var prototypes = signature.Outputs.FirstOrDefault(o => o.Name == "output1" && o.Rank == 4) ?? signature.Outputs.First(o => o.Rank == 4);

        if (input.Dims[1] is { } channels && channels != 3)
            throw new InvalidDataException($"YOLO-seg input {input} must have 3 channels.");
        var side = input.Dims[2] ?? input.Dims[3] ?? DefaultInputSide;
        if (input.Dims[2] is { } h && input.Dims[3] is { } w && h != w)
            throw new InvalidDataException($"YOLO-seg input {input} must be square (Ultralytics letterboxes into S×S).");
        var k = prototypes.Dims[1] ?? throw new InvalidDataException($"YOLO-seg prototypes {prototypes} must have a fixed number of channels.");
        var rows = detections.Dims[1] ?? throw new InvalidDataException($"YOLO-seg detections {detections} must have a fixed number of rows (4 + classes + {k}).");
        var classCount = rows - 4 - k;
        if (classCount < 1)
            throw new InvalidDataException($"YOLO-seg detections {detections} have {rows} rows: too few for 4 box values, at least one class and {k} mask coefficients.");
        return new YoloSegContract(input.Name, (int)side, detections.Name, prototypes.Name, (int)classCount, (int)k, (int)(detections.Dims[2] ?? -1));
    }
}
