using System.CommandLine;
using CloudSeg.Cli.Commands;

namespace CloudSeg.Cli;

/// <summary>The <c>cloudseg</c> command line. Each command lives in Commands/&lt;Name&gt;Command.cs; add yours here.</summary>
public static class Program
{
    public static RootCommand CreateRootCommand() => new("cloudseg: instance segmentation with Mask R-CNN ONNX models")
    {
        SegmentCommand.Create(),
        BenchCommand.Create(),
        ShapesCommand.Create(),
        EvalCommand.Create(),
        ExportCommand.Create(),
        QuantizeCommand.Create(),
        TrainCommand.Create(),
        TrainJobCommand.Create(),
        UpCommand.Create(),
        DownCommand.Create(),
        UploadCommand.Create(),
        StatusCommand.Create(),
        DatasetCommand.Create(),
        RetrainCommand.Create(),
        ModelsCommand.Create(),
    };

    public static Task<int> Main(string[] args) => CreateRootCommand().Parse(args).InvokeAsync();
}
