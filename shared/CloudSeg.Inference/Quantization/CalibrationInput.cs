using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace CloudSeg.Inference.Quantization;

/// <summary>A picture made into the graph's input tensor exactly as <see cref="MaskRcnnSegmenter"/> makes it.</summary>
internal static class CalibrationInput
{
    public static OrtValue Create(string path, InputRecipe recipe, SegmenterOptions options)
    {
        var image = CalibrationImages.Decode(path);
        var geometry = InputGeometry.Plan(image.Width, image.Height, recipe, options.MaxInputSide, options.MaxAspectRatio);
        var input = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float,
            [3, geometry.TensorHeight, geometry.TensorWidth]);
        InputTensorWriter.Write(image, geometry, recipe, input.GetTensorMutableDataAsSpan<float>());
        return input;
    }
}
