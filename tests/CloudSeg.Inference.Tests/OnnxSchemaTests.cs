using CloudSeg.Onnx;
using CloudSeg.Tests;
using Google.Protobuf;

namespace CloudSeg.Inference.Tests;

/// <summary>Our onnx.proto subset must be ONNX's wire format: what torch.onnx.export wrote reads and writes back unchanged.</summary>
public sealed class OnnxSchemaTests
{
    [Theory]
    [InlineData("torchvision-tiny")]
    [InlineData("modelzoo-tiny")]
    [InlineData("cloudseg-tiny")]
    public void A_torch_export_round_trips_byte_for_byte(string fixture)
    {
        var path = Path.Combine(RepoPaths.FixtureModel(fixture), "model.onnx");
        var original = File.ReadAllBytes(path);

        var model = OnnxModelFile.Read(path);

        Assert.Equal(original, model.ToByteArray());
        Assert.Equal("pytorch", model.ProducerName);
        Assert.Contains(model.Graph.Node, n => n.OpType == "RoiAlign");
        Assert.All(model.Graph.Initializer, t => Assert.NotEmpty(t.Name));
    }

    [Fact]
    public void Pruning_keeps_exactly_what_the_outputs_need()
    {
        var model = OnnxModelFile.Read(Path.Combine(RepoPaths.FixtureModel("torchvision-tiny"), "model.onnx"));
        var graph = model.Graph;
        var before = graph.Node.Count;
        var masks = graph.Output.Single(o => o.Name == "masks");

        graph.Output.Remove(masks);
        graph.PruneUnusedNodes();

        Assert.True(graph.Node.Count < before);
        Assert.DoesNotContain(graph.Node, n => n.OpType == "Loop");
        // Every node left is read by another node (directly or from inside an If branch) or is an output.
        var read = graph.Output.Select(o => o.Name)
            .Concat(graph.Node.SelectMany(n => n.Input))
            .Concat(graph.Node.SelectMany(n => n.Attribute).Where(a => a.G is not null).SelectMany(a => a.G.Node).SelectMany(n => n.Input))
            .ToHashSet();
        Assert.All(graph.Node, n => Assert.Contains(n.Output, read.Contains));
        Assert.All(graph.Initializer, t => Assert.Contains(t.Name, read));
        // And the pruned graph is still a valid model.
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(model.ToByteArray());
        Assert.Equal(["boxes", "labels", "scores"], session.OutputNames);
    }
}
