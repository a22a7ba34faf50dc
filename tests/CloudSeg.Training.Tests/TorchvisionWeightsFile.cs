using System.Diagnostics;

namespace CloudSeg.Training.Tests;

/// <summary>
/// A seeded random-weights maskrcnn_resnet50_fpn file, written by Debian's torchvision with the committed script
/// tools/make_torchvision_maskrcnn_weights.py (a full state dict is ~170 MB, so it is made here, not committed),
/// together with torchvision eager's detections on one picture.
/// </summary>
public sealed class TorchvisionWeightsFile : IDisposable
{
    public TorchvisionWeightsFile()
    {
        Folder = Directory.CreateTempSubdirectory("cloudseg-pull-").FullName;
        var script = Path.Combine(CloudSeg.Testing.RepoPaths.Root, "tools", "make_torchvision_maskrcnn_weights.py");
        using var python = Process.Start(new ProcessStartInfo("/usr/bin/python3", [script, Folder]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var errors = python.StandardError.ReadToEndAsync();
        python.StandardOutput.ReadToEnd();
        python.WaitForExit();
        if (python.ExitCode != 0)
            throw new InvalidOperationException($"{script} failed (python3-torchvision is installed by infra/scripts/prerequisites.sh): {errors.Result}");
        WeightsPath = Directory.GetFiles(Folder, "maskrcnn_resnet50_fpn_random-*.pth").Single();
    }

    public string Folder { get; }
    public string WeightsPath { get; }
    public string Expected => Path.Combine(Folder, "expected.safetensors");

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
