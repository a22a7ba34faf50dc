using System.CommandLine;
using CloudSeg.Inference;
using Microsoft.Extensions.Logging;

namespace CloudSeg.Cli.Commands;

/// <summary>The options every command that runs a model shares (--model, --format, --threads) and how they load it.</summary>
public static class ModelOptions
{
    public static Option<string?> Model() => new("--model", "-m")
    {
        Description = "Model package: a folder with model.onnx (+ model.card.json) or an .onnx file (default: models/default, else the test model)",
    };

    public static Option<string?> Format()
    {
        var format = new Option<string?>("--format") { Description = "Graph contract, when the card does not say: torchvision, modelzoo or cloudseg" };
        format.AcceptOnlyFromAmong("torchvision", "modelzoo", "cloudseg");
        return format;
    }

    public static Option<int> Threads() => new("--threads")
    {
        Description = "ONNX Runtime threads per run (0 = one per core)",
        DefaultValueFactory = _ => 0,
    };

    public static Option<string> Precision()
    {
        var precision = new Option<string>("--precision")
        {
            Description = "Which graph of the package runs: auto (int8 on CPU when the package has model.int8.onnx, else float), fp32 or int8",
            DefaultValueFactory = _ => "auto",
        };
        precision.AcceptOnlyFromAmong("auto", "fp32", "int8");
        return precision;
    }

    public static SegmenterOptions Segmenter(ParseResult parse, Option<string?> format, Option<int> threads, Option<string>? precision = null) => new()
    {
        Format = parse.GetValue(format) is { } name ? ModelFormats.Parse(name) : null,
        IntraOpThreads = parse.GetValue(threads),
        Precision = (precision is null ? null : parse.GetValue(precision)) switch
        {
            "fp32" => ModelPrecision.Float32,
            "int8" => ModelPrecision.Int8,
            _ => ModelPrecision.Auto,
        },
    };

    public static ISegmenter Load(ParseResult parse, Option<string?> model, SegmenterOptions options)
    {
        var path = parse.GetValue(model) ?? DefaultModel.Resolve();
        using var logging = LoggerFactory.Create(builder => builder.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        return SegmenterFactory.Load(path, options, logging.CreateLogger("cloudseg"));
    }
}
