namespace CloudSeg.Inference.Tests;

public sealed class YolactFastNmsTests
{
    [Fact]
    public void Keeps_a_candidate_unless_a_higher_scored_one_of_its_class_overlaps_it_even_one_already_suppressed()
    {
        // Boxes 0 and 1 overlap (IoU 0.82), 1 and 2 overlap (IoU 0.54), 0 and 2 do not (IoU 0.43).
        float[] boxes = [0, 0, 10, 10, 1, 0, 11, 10, 4, 0, 14, 10, 50, 50, 60, 60];
        // Two classes, [prior, class]: class 0 scores priors 0–2 (and a little prior 3), class 1 only prior 3.
        float[] scores = [0.9f, 0, 0.8f, 0, 0.7f, 0, 0.04f, 0.6f];

        var kept = YolactFastNms.Apply(boxes, scores, priors: 4, classes: 2, scoreThreshold: 0.05f, iouThreshold: 0.5f, topK: 4, maxDetections: 10);

        // Prior 2 goes because prior 1 overlaps it, though prior 1 was itself suppressed (greedy NMS would keep 2);
        // prior 3's class-0 score is under the threshold.
        Assert.Equal([(0, 0, 0.9f), (3, 1, 0.6f)], kept);
    }

    [Fact]
    public void Top_k_and_max_detections_bound_the_result()
    {
        float[] boxes = [0, 0, 10, 10, 20, 20, 30, 30, 40, 40, 50, 50];
        float[] scores = [0.9f, 0.8f, 0.7f];

        Assert.Equal([0, 1], YolactFastNms.Apply(boxes, scores, 3, 1, 0.05f, 0.5f, topK: 2, maxDetections: 10).Select(k => k.Prior));
        Assert.Equal([0], YolactFastNms.Apply(boxes, scores, 3, 1, 0.05f, 0.5f, topK: 3, maxDetections: 1).Select(k => k.Prior));
    }
}
