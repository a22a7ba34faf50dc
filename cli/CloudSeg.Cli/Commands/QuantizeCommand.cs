using System.CommandLine;
using System.Globalization;
using CloudSeg.Inference.Quantization;
using CloudSeg.Onnx.Quantization;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace CloudSeg.Cli.Commands;

/// <summary>
/// <c>cloudseg quantize MODEL --calibration DIR --out DIR</c>: adds a calibrated int8 graph (QDQ) to a model package.
/// CPU hosts then run the int8 graph, GPU hosts the float one (<c>--precision</c> overrides). See docs/model-format.md.
/// </summary>
public static class QuantizeCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("MODEL") { Description = "Model package: a folder with model.onnx (+ model.card.json) or an .onnx file" };
        var options = new QuantizeOptions();
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder to write model.onnx, model.int8.onnx and model.card.json into", Required = true };
        var command = new Command("quantize", "Add a calibrated int8 graph to a model package (static QDQ quantization, per-channel weights)")
        {
            model, options.Calibration, options.Images, options.MinAgreement, options.Activations, output,
        };
        command.SetAction((parse, cancellationToken) =>
            options.RunAsync(parse, parse.GetValue(model)!, parse.GetValue(output)!.FullName, cancellationToken));
        return command;
    }
}

/// <summary>The calibration options <c>quantize</c> and <c>export --int8</c> share, and how they run the quantizer.</summary>
public sealed class QuantizeOptions
{
    public Option<DirectoryInfo?> Calibration { get; } = new("--calibration")
    {
        Description = "Folder of pictures like the ones the model will see (searched recursively; name order)",
    };

    public Option<int> Images { get; } = new("--images")
    {
        Description = "How many calibration pictures to use (0 = all); a quarter (at most 16) are held back to judge the int8 graph",
        DefaultValueFactory = _ => 64,
    };

    public Option<double> MinAgreement { get; } = new("--min-agreement")
    {
        Description = "Leave the most sensitive layers float until the int8 graph's instances agree this well with the float graph's (0–1)",
        DefaultValueFactory = _ => 0.97,
    };

    public Option<string> Activations { get; } = CreateActivations();

    private static Option<string> CreateActivations()
    {
        var option = new Option<string>("--activations")
        {
            Description = "Activation integer type: uint8 (what ONNX Runtime's x86 int8 kernels run; every layer fuses) or int8 (signed; ONNX Runtime on x86 leaves layers whose input is shared in float)",
            DefaultValueFactory = _ => "uint8",
        };
        option.AcceptOnlyFromAmong("int8", "uint8");
        return option;
    }

    public async Task<int> RunAsync(ParseResult parse, string modelPath, string outputFolder, CancellationToken ct)
    {
        if (parse.GetValue(Calibration) is not { } calibration)
        {
            AnsiConsole.MarkupLine("[red]Error:[/] --calibration is required to quantize.");
            return 2;
        }
        using var logging = LoggerFactory.Create(builder => builder.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));
        var request = new QuantizationRequest(modelPath, calibration.FullName, parse.GetValue(Images), outputFolder, parse.GetValue(MinAgreement),
            Activations: parse.GetValue(Activations) == "uint8" ? ActivationType.UInt8 : ActivationType.Int8);
        try
        {
            var result = await ModelQuantizer.QuantizeAsync(request, logging.CreateLogger("cloudseg.quantize"), ct);
            AnsiConsole.Write(Summary(result));
            return 0;
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or FileNotFoundException or DirectoryNotFoundException)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]Error:[/] {e.Message}");
            return 1;
        }
    }

    private static Table Summary(QuantizationResult result)
    {
        var info = result.Info;
        var table = new Table().AddColumns("", "").HideHeaders();
        table.AddRow("Float graph", Markup.Escape($"{result.FloatPath} ({new FileInfo(result.FloatPath).Length / 1e6:F1} MB)"));
        table.AddRow("Int8 graph", Markup.Escape($"{result.Int8Path} ({new FileInfo(result.Int8Path).Length / 1e6:F1} MB)"));
        table.AddRow("Card", Markup.Escape(result.CardPath));
        table.AddRow("Calibration", Markup.Escape(
            $"{info.Calibration.Method} on {info.Calibration.Images} pictures; tried " +
            string.Join(", ", info.Calibration.Tried.Select(t => $"{t.Key} {t.Value.ToString("F4", CultureInfo.InvariantCulture)}"))));
        table.AddRow("Agreement with float", Markup.Escape(
            $"{info.Agreement.ToString("F4", CultureInfo.InvariantCulture)} on {info.Calibration.HeldBackImages} held-back pictures"));
        table.AddRow("Layers", Markup.Escape($"{info.QuantizedNodes} quantized, {info.FloatNodes.Count} left float" +
            (info.FloatNodes.Count > 0 ? $" ({string.Join(", ", info.FloatNodes)})" : "")));
        table.AddRow("Time", $"{result.Elapsed.TotalSeconds:F0} s");
        return table;
    }
}
