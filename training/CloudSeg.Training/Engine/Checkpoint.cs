using System.Text.Json;
using System.Text.Json.Serialization;
using CloudSeg.Training.Detection;
using CloudSeg.Training.Yolact;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CloudSeg.Training.Engine;

/// <summary>
/// What a checkpoint directory says about itself (checkpoint.json): the step reached, the architecture (to rebuild
/// the model exactly: <see cref="Model"/> for Mask R-CNN, <see cref="Yolact"/> for YOLACT), the run's options, the class names, the training time so far, and the state of torch's random generator so a resumed
/// run draws the same samples (RPN/RoI sampling) as an uninterrupted one.
/// </summary>
public sealed record CheckpointInfo(
    int Step,
    int TotalSteps,
    MaskRcnnOptions? Model,
    TrainerOptions Trainer,
    IReadOnlyList<string> Classes,
    string TorchRngState,
    double ElapsedSeconds,
    YolactOptions? Yolact = null,
    string? Augmentation = null)
{
    /// <summary>The Mask R-CNN options, or a clear error for a checkpoint of another family.</summary>
    [JsonIgnore] public MaskRcnnOptions MaskRcnn => Model ?? throw new InvalidDataException("This checkpoint is a YOLACT, not a Mask R-CNN.");
}

/// <summary>
/// A checkpoint directory: model.bin (parameters and buffers by name, TorchSharp format), optimizer.bin (SGD momentum
/// buffers) and checkpoint.json (<see cref="CheckpointInfo"/>). Written to a temporary directory and renamed, so a
/// crash mid-save never leaves a half checkpoint under the final name.
/// </summary>
public static class Checkpoint
{
    public const string ModelFileName = "model.bin";
    public const string OptimizerFileName = "optimizer.bin";
    public const string InfoFileName = "checkpoint.json";

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static void Save(string directory, nn.Module model, OptimizerHelper? optimizer, CheckpointInfo info)
    {
        string staging = directory.TrimEnd(Path.DirectorySeparatorChar) + ".partial";
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        Directory.CreateDirectory(staging);
        model.save(Path.Combine(staging, ModelFileName));
        if (optimizer is not null) optimizer.save_state_dict(Path.Combine(staging, OptimizerFileName));
        File.WriteAllText(Path.Combine(staging, InfoFileName), JsonSerializer.Serialize(info, Json));
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        Directory.Move(staging, directory);
    }

    public static CheckpointInfo ReadInfo(string directory)
    {
        string path = Path.Combine(directory, InfoFileName);
        if (!File.Exists(path)) throw new FileNotFoundException($"{directory} is not a checkpoint (no {InfoFileName}).", path);
        return JsonSerializer.Deserialize<CheckpointInfo>(File.ReadAllText(path), Json)
            ?? throw new InvalidDataException($"{path} is empty.");
    }

    /// <summary>Rebuilds the model of a checkpoint (in eval mode) — what export and evaluation start from.</summary>
    /// <param name="adjust">Changes inference-only options (e.g. the proposal count an export asks for) before the
    /// model is built; the weights do not depend on them.</param>
    public static (MaskRcnn Model, CheckpointInfo Info) LoadModel(string directory, Func<MaskRcnnOptions, MaskRcnnOptions>? adjust = null)
    {
        var info = ReadInfo(directory);
        var model = new MaskRcnn(adjust is null ? info.MaskRcnn : adjust(info.MaskRcnn));
        model.load(Path.Combine(directory, ModelFileName));
        model.eval();
        return (model, info);
    }

    /// <summary>Rebuilds the YOLACT of a checkpoint (in eval mode).</summary>
    public static (YolactModel Model, CheckpointInfo Info) LoadYolact(string directory)
    {
        var info = ReadInfo(directory);
        var model = new YolactModel(info.Yolact ?? throw new InvalidDataException($"{directory} is a Mask R-CNN checkpoint, not a YOLACT."));
        model.load(Path.Combine(directory, ModelFileName));
        model.eval();
        return (model, info);
    }

    public static void LoadOptimizer(string directory, OptimizerHelper optimizer) =>
        optimizer.load_state_dict(Path.Combine(directory, OptimizerFileName));

    public static string CaptureRngState()
    {
        using var state = get_rng_state();
        return Convert.ToBase64String(state.data<byte>().ToArray());
    }

    public static void RestoreRngState(string base64)
    {
        using var state = tensor(Convert.FromBase64String(base64), dtype: uint8);
        set_rng_state(state);
    }
}
