namespace CloudSeg.Inference;

/// <summary>Which graph output carries what. Exports name them differently (the model zoo's are node numbers such as
/// "6568"), so roles are found by name when the names are the usual ones, else by element type and rank.</summary>
public sealed record OutputRoles(string Boxes, string Labels, string Scores, string Masks, string? MaskIou)
{
    public static OutputRoles Resolve(GraphSignature signature)
    {
        var outputs = signature.Outputs;
        TensorSignature? Named(string name) => outputs.FirstOrDefault(o => o.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

        var boxes = Named("boxes") ?? outputs.FirstOrDefault(o => o.IsFloat && o.Rank == 2);
        var labels = Named("labels") ?? outputs.FirstOrDefault(o => o.IsInteger && o.Rank == 1);
        var masks = Named("masks") ?? outputs.FirstOrDefault(o => o.IsFloat && o.Rank == 4);
        var vectors = outputs.Where(o => o.IsFloat && o.Rank == 1).ToList();
        var maskIou = Named("mask_iou") ?? vectors.FirstOrDefault(o => o.Name.Contains("iou", StringComparison.OrdinalIgnoreCase));
        var scores = Named("scores") ?? vectors.FirstOrDefault(o => o != maskIou);
        // Two unnamed score-like vectors: exports list scores before the MaskIoU head's output.
        maskIou ??= vectors.FirstOrDefault(o => o != scores);

        if (boxes is null || labels is null || scores is null || masks is null)
            throw new InvalidDataException(
                $"The graph does not look like Mask R-CNN: expected float boxes [N,4], integer labels [N], float scores [N] " +
                $"and float masks [N,1,h,w] among its outputs; it has {signature}.");
        return new OutputRoles(boxes.Name, labels.Name, scores.Name, masks.Name, maskIou?.Name);
    }

    public IReadOnlyList<string> Names => MaskIou is null ? [Boxes, Labels, Scores, Masks] : [Boxes, Labels, Scores, Masks, MaskIou];
}
