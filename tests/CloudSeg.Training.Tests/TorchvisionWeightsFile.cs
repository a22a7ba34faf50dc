using System.Diagnostics;

namespace CloudSeg.Training.Tests;

/// <summary>
/// A seeded random-weights maskrcnn_resnet50_fpn file, written by Debian's torchvision with the committed script
/// tools/make_torchvision_maskrcnn_weights.py (a full state dict is ~170 MB, so it is made here, not committed),
/// together with torchvision eager's detections on one picture.
/// </summary>
public class TorchvisionWeightsFile : IDisposable
{
    public TorchvisionWeightsFile() : this("v1", "maskrcnn_resnet50_fpn") { }

    protected TorchvisionWeightsFile(string variant, string model)
    {
        Folder = Directory.CreateTempSubdirectory("cloudseg-pull-").FullName;
        var script = Path.Combine(CloudSeg.Testing.RepoPaths.Root, "tools", "make_torchvision_maskrcnn_weights.py");
        using var python = Process.Start(new ProcessStartInfo("/usr/bin/python3", [script, Folder, variant]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var errors = python.StandardError.ReadToEndAsync();
        python.StandardOutput.ReadToEnd();
        python.WaitForExit();
        if (python.ExitCode != 0)
            throw new InvalidOperationException($"{script} failed (python3-torchvision is installed by infra/scripts/prerequisites.sh): {errors.Result}");
        WeightsPath = Directory.GetFiles(Folder, $"{model}_random-*.pth").Single();
    }

    public string Folder { get; }
    public string WeightsPath { get; }
    public string Expected => Path.Combine(Folder, "expected.safetensors");

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}

/// <summary>The same for maskrcnn_resnet50_fpn_v2 (batch norm throughout, conv box head, two-conv RPN head).</summary>
public sealed class TorchvisionV2WeightsFile() : TorchvisionWeightsFile("v2", "maskrcnn_resnet50_fpn_v2");
