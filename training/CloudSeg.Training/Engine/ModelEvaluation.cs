using CloudSeg.Core.Coco;
using CloudSeg.Core.Geometry;
using CloudSeg.Core.Masks;
using CloudSeg.Datasets;
using CloudSeg.Evaluation.Metrics;
using CloudSeg.Training.Detection;
using CloudSeg.Training.Yolact;
using static TorchSharp.torch;

namespace CloudSeg.Training.Engine;

/// <summary>
/// Runs a model over a dataset and scores it with COCO AP (bbox and segm, and both again rescored by the predicted
/// mask IoU). Masks are pasted into the full image through CloudSeg.Core's MaskPaster, in the geometry the model's
/// mask targets were made in (the same paste the inference engine applies to the exported model).
/// </summary>
public static class ModelEvaluation
{
    public const float MaskThreshold = 0.5f;

    /// <summary>COCO results for every image of the dataset, category ids mapped back from the model's labels.</summary>
    public static async Task<IReadOnlyList<CocoResult>> PredictAsync(MaskRcnn model, InstanceDataset dataset,
        IProgress<(int Done, int Total)>? progress, CancellationToken cancellationToken)
    {
        model.eval();
        return await PredictEachAsync(dataset, (prepared, imageId) => ToCocoResults(model.Detect([prepared.ImageTensor()])[0], imageId,
            prepared.Height, prepared.Width, dataset.Categories, model.Options.RoIHeads.MaskPasteMode()), progress, cancellationToken);
    }

    /// <summary>Runs <paramref name="predict"/> on every image (without its annotations), in a dispose scope each.</summary>
    static async Task<IReadOnlyList<CocoResult>> PredictEachAsync(InstanceDataset dataset, Func<PreparedSample, long, IReadOnlyList<CocoResult>> predict,
        IProgress<(int Done, int Total)>? progress, CancellationToken cancellationToken)
    {
        var results = new List<CocoResult>();
        for (int index = 0; index < dataset.Count; index++)
        {
            var sample = await dataset.ReadSampleAsync(index, cancellationToken);
            var prepared = PreparedSample.From(sample with { Instances = [] }, dataset.Categories);
            using var scope = NewDisposeScope();
            results.AddRange(predict(prepared, sample.Info.Id));
            progress?.Report((index + 1, dataset.Count));
        }
        return results;
    }

    /// <summary>COCO results of a YOLACT for every image: its masks are already full-size, thresholded here.</summary>
    public static async Task<IReadOnlyList<CocoResult>> PredictAsync(YolactModel model, InstanceDataset dataset,
        IProgress<(int Done, int Total)>? progress, CancellationToken cancellationToken)
    {
        model.eval();
        return await PredictEachAsync(dataset, (prepared, imageId) => ToCocoResults(model.Detect([prepared.ImageTensor()])[0], imageId,
            prepared.Height, prepared.Width, dataset.Categories), progress, cancellationToken);
    }

    static IReadOnlyList<CocoResult> ToCocoResults(YolactDetections detections, long imageId, int height, int width, CategoryMap categories)
    {
        if (detections.Labels.shape[0] == 0) return [];
        float[] boxes = detections.Boxes.data<float>().ToArray();
        long[] labels = detections.Labels.data<long>().ToArray();
        float[] scores = detections.Scores.data<float>().ToArray();
        byte[] masks = detections.Masks.gt(MaskThreshold).to_type(ScalarType.Byte).contiguous().data<byte>().ToArray();
        int pixels = height * width;
        var results = new List<CocoResult>(labels.Length);
        for (int i = 0; i < labels.Length; i++)
        {
            var box = new BoxF(boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3]);
            var mask = RleMask.Encode(masks.AsSpan(i * pixels, pixels), height, width);
            results.Add(CocoResult.From(imageId, categories.CategoryId((int)labels[i]), box, scores[i], mask));
        }
        return results;
    }

    public static IReadOnlyList<CocoResult> ToCocoResults(Detections detections, long imageId, int height, int width,
        CategoryMap categories, MaskPasteMode pasteMode)
    {
        // TorchSharp's element accessor cannot read empty tensors.
        if (detections.Labels.shape[0] == 0) return [];
        float[] boxes = detections.Boxes.data<float>().ToArray();
        long[] labels = detections.Labels.data<long>().ToArray();
        float[] scores = detections.Scores.data<float>().ToArray();
        float[] masks = detections.Masks.contiguous().data<float>().ToArray();
        float[]? maskIou = detections.MaskIou?.data<float>().ToArray();
        int maskSize = detections.Masks.shape.Length == 4 ? (int)detections.Masks.shape[3] : 0;
        var results = new List<CocoResult>(labels.Length);
        for (int i = 0; i < labels.Length; i++)
        {
            var box = new BoxF(boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3]);
            var mask = MaskPaster.Paste(masks.AsSpan(i * maskSize * maskSize, maskSize * maskSize), maskSize, box,
                height, width, MaskThreshold, pasteMode);
            results.Add(CocoResult.From(imageId, categories.CategoryId((int)labels[i]), box, scores[i], mask, maskIou?[i]));
        }
        return results;
    }

    public static EvaluationReport Evaluate(InstanceDataset dataset, IReadOnlyList<CocoResult> results) =>
        EvaluationReport.Evaluate(dataset.Coco, results, [IouType.Bbox, IouType.Segm]);
}
