using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using CloudSeg.Onnx;
using CloudSeg.Training.Export;
using CloudSeg.Training.Import;
using static TorchSharp.torch;
using static CloudSeg.Training.Tests.ExportTestSupport;

namespace CloudSeg.Training.Tests;

/// <summary>A loopback HTTP server for one file that honours Range requests, and records the ranges asked for.</summary>
sealed class RangeFileServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly string _path;
    private readonly Task _serving;

    public RangeFileServer(string path)
    {
        _path = path;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        BaseUri = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(BaseUri.ToString());
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public Uri BaseUri { get; }
    public List<string?> Ranges { get; } = [];
    public Uri FileUri => new(BaseUri, Path.GetFileName(_path));

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception) when (!_listener.IsListening) { return; }
            var range = context.Request.Headers["Range"];
            lock (Ranges) Ranges.Add(range);
            await using var file = File.OpenRead(_path);
            long start = range is null ? 0 : long.Parse(range["bytes=".Length..].TrimEnd('-'));
            if (range is not null)
            {
                context.Response.StatusCode = 206;
                context.Response.AddHeader("Content-Range", $"bytes {start}-{file.Length - 1}/{file.Length}");
            }
            context.Response.ContentLength64 = file.Length - start;
            file.Position = start;
            await file.CopyToAsync(context.Response.OutputStream);
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
    }
}

/// <summary>
/// <c>cloudseg models pull</c> without internet: the generated torchvision file is served on loopback, the pull resumes
/// an interrupted download and exports a package; bad files are refused.
/// </summary>
[Collection(TorchSharpRandomCollection.Name)]
public sealed class TorchvisionModelPullTests(TorchvisionWeightsFile weights) : IClassFixture<TorchvisionWeightsFile>
{
    private const string V1 = "torchvision/maskrcnn_resnet50_fpn";

    [Fact]
    public async Task A_resumed_download_becomes_a_package_with_the_coco_card()
    {
        var output = Path.Combine(weights.Folder, "package");
        Directory.CreateDirectory(output);
        var bytes = await File.ReadAllBytesAsync(weights.WeightsPath);
        var partial = Path.Combine(output, Path.GetFileName(weights.WeightsPath) + ResumableDownload.PartialSuffix);
        await File.WriteAllBytesAsync(partial, bytes[..(bytes.Length * 2 / 5)]);   // an interrupted earlier pull
        using var server = new RangeFileServer(weights.WeightsPath);
        using var http = new HttpClient();
        var progress = new List<(long, long?)>();

        var result = await new TorchvisionModelPull(http).PullAsync(new ModelPullRequest(V1, output, server.FileUri),
            new SynchronousProgress<(long, long?)>(progress.Add), CancellationToken.None);

        Assert.Equal([$"bytes={bytes.Length * 2 / 5}-"], server.Ranges);
        Assert.Equal(bytes.Length, progress[^1].Item1);
        Assert.True(result.Import.IsExact);
        Assert.Equal(TorchvisionCocoModel.CocoClasses, result.Card.Classes);
        Assert.Equal("cat", result.Card.Classes[17]);   // label = COCO category id
        Assert.Equal((0.379, 0.346), (result.Card.Metrics!.Bbox!.Ap, result.Card.Metrics.Segm!.Ap));

        Assert.True(File.Exists(Path.Combine(output, ModelPackageExporter.OnnxFileName)));
    }

    /// <summary>
    /// The full-size model on a 240×320 picture (resized to 800×1066, padded to 800×1088): 1,000 proposals per level,
    /// RoIs on all of P2–P5. 240 is a side where torchvision's scale (reciprocal · min_size) and a plain min_size / side
    /// disagree: 800 rows against 799.
    /// </summary>
    [Fact]
    public async Task The_pulled_package_detects_what_torchvision_detected()
    {
        var output = Path.Combine(weights.Folder, "compared");
        await new TorchvisionModelPull(new HttpClient()).PullAsync(new ModelPullRequest(V1, output, File: weights.WeightsPath), null, CancellationToken.None);
        AssertDetectsWhatTorchvisionDetected(weights.Expected, output);
    }

    /// <summary>Labels identical, boxes within 1e-3 px, scores within 1e-4, masks (at 0.5) with IoU ≥ 0.99.</summary>
    internal static void AssertDetectsWhatTorchvisionDetected(string expectedPath, string package)
    {
        using var scope = NewDisposeScope();
        var expected = SafeTensorsFile.Open(expectedPath).ReadAll();
        var actual = RunOnnx(OnnxModelFile.Read(Path.Combine(package, ModelPackageExporter.OnnxFileName)),
            (MaskRcnnOnnxExporter.ImageInput, expected["image"]));
        Assert.True(expected["scores"].shape[0] > 0, "torchvision detected nothing: a meaningless comparison");
        string Head(Tensor t) => string.Join(", ", t.to_type(ScalarType.Float32).data<float>().Take(8).Select(v => v.ToString("G6")));
        Assert.True(expected["labels"].data<long>().SequenceEqual(actual[MaskRcnnOnnxExporter.LabelsOutput].data<long>()),
            $"labels: torchvision {Head(expected["labels"])} …, ours {Head(actual[MaskRcnnOnnxExporter.LabelsOutput])} …; " +
            $"scores: torchvision {Head(expected["scores"])} …, ours {Head(actual[MaskRcnnOnnxExporter.ScoresOutput])} …; " +
            $"boxes: torchvision {Head(expected["boxes"])} …, ours {Head(actual[MaskRcnnOnnxExporter.BoxesOutput])} …");
        float boxes = MaxAbsDifference(expected["boxes"], actual[MaskRcnnOnnxExporter.BoxesOutput]);
        float scores = MaxAbsDifference(expected["scores"], actual[MaskRcnnOnnxExporter.ScoresOutput]);
        Assert.True(boxes <= 1e-3 && scores <= 1e-4, $"boxes differ by up to {boxes} px, scores by {scores}");
        using var expectedMasks = expected["masks"] > 0.5;
        using var actualMasks = actual[MaskRcnnOnnxExporter.MasksOutput] > 0.5;
        double iou = (expectedMasks & actualMasks).sum().item<long>() / (double)Math.Max(1, (expectedMasks | actualMasks).sum().item<long>());
        Assert.True(iou >= 0.99, $"mask IoU {iou}");
    }

    [Fact]
    public async Task A_file_whose_checksum_differs_from_its_name_is_refused()
    {
        var corrupt = Path.Combine(weights.Folder, "maskrcnn_resnet50_fpn_coco-bf2d0c1e.pth");
        await File.WriteAllBytesAsync(corrupt, new byte[4096]);
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => new TorchvisionModelPull(new HttpClient())
            .PullAsync(new ModelPullRequest(V1, Path.Combine(weights.Folder, "corrupt"), File: corrupt), null, CancellationToken.None));
        Assert.Contains("does not match the bf2d0c1e", error.Message);
    }

    [Fact]
    public async Task A_file_of_another_architecture_is_refused_with_the_missing_and_unexpected_names()
    {
        var resnet = Path.Combine(AppContext.BaseDirectory, "fixtures", "training", "resnet18-w8.pth");
        var digest = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(resnet)));
        var named = Path.Combine(weights.Folder, $"resnet18-{digest[..8]}.pth");
        File.Copy(resnet, named, overwrite: true);
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => new TorchvisionModelPull(new HttpClient())
            .PullAsync(new ModelPullRequest(V1, Path.Combine(weights.Folder, "other"), File: named), null, CancellationToken.None));
        Assert.Contains("missing: backbone.body.conv1.weight", error.Message);
        Assert.Contains("unexpected: conv1.weight", error.Message);
    }

    internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
