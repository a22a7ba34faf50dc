using CloudSeg.Training.Detection;
using static TorchSharp.torch;

namespace CloudSeg.Training.Tests;

/// <summary>
/// Tiny deterministic scenes for model tests: a dark background with a few bright filled rectangles and discs,
/// each an instance with its box, class (1 = rectangle, 2 = disc) and mask.
/// </summary>
static class SyntheticScenes
{
    public static (Tensor Image, DetectionTarget Target) Make(int seed, int height = 96, int width = 128, int objects = 2)
    {
        var random = new Random(seed);
        var image = zeros(3, height, width);
        var boxes = new List<float>();
        var labels = new List<long>();
        var masks = zeros(objects, height, width, dtype: uint8);
        for (int i = 0; i < objects; i++)
        {
            int size = random.Next(height / 5, height / 2);
            int x = random.Next(0, width - size), y = random.Next(0, height - size);
            bool disc = i % 2 == 1;
            var mask = zeros(height, width, dtype: @bool);
            if (disc)
            {
                var ys = arange(height).view(-1, 1).to(float32);
                var xs = arange(width).view(1, -1).to(float32);
                float r = size / 2f, cy = y + r, cx = x + r;
                mask = ((ys + 0.5f - cy).pow(2) + (xs + 0.5f - cx).pow(2)) <= r * r;
            }
            else
            {
                mask[y..(y + size), x..(x + size)] = true;
            }
            var colour = tensor(new[] { 0.3f + 0.7f * (float)random.NextDouble(), 0.9f, 0.2f + 0.5f * i });
            image = where(mask.unsqueeze(0), colour.view(3, 1, 1).expand(3, height, width), image);
            // Later objects occlude earlier ones.
            for (int j = 0; j < i; j++) masks[j] = masks[j].logical_and(mask.logical_not()).to(uint8);
            masks[i] = mask.to(uint8);
            boxes.AddRange(new float[] { x, y, x + size, y + size });
            labels.Add(disc ? 2 : 1);
        }
        return (image, new DetectionTarget(tensor(boxes.ToArray()).view(-1, 4), tensor(labels.ToArray()), masks));
    }
}
