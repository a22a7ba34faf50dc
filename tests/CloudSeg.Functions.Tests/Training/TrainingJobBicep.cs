using System.Text.RegularExpressions;
using CloudSeg.Testing;

namespace CloudSeg.Functions.Tests.Training;

/// <summary>
/// What infra/modules/training-job.bicep deploys, read from the file itself so the launcher's tests cannot drift from
/// the template: the training container's name, command and args, the trigger type and the Microsoft.App api-version.
/// </summary>
internal sealed partial record TrainingJobBicep(string ContainerName, string[] Command, string[] Args, string TriggerType, string ApiVersion)
{
    public static string PathInRepo => Path.Combine(RepoPaths.Root, "infra", "modules", "training-job.bicep");

    public static TrainingJobBicep Read()
    {
        // Whole-line comments out first: they may sit between the keys and quote names.
        var text = LineComment().Replace(File.ReadAllText(PathInRepo), "");
        var container = Match(ContainerBlock(), text, "the first container of template.containers");
        return new TrainingJobBicep(
            Match(ContainerNameKey(), container, "the container's name"),
            Strings(Match(CommandArray(), container, "the container's command")),
            Strings(Match(ArgsArray(), container, "the container's args")),
            Match(TriggerTypeKey(), text, "configuration.triggerType"),
            Match(JobApiVersion(), text, "the Microsoft.App/jobs resource's api-version"));
    }

    private static string Match(Regex regex, string text, string what) =>
        regex.Match(text) is { Success: true } m ? m.Groups[1].Value : throw new InvalidDataException($"{PathInRepo}: could not find {what}.");

    private static string[] Strings(string array) => [.. QuotedString().Matches(array).Select(m => m.Groups[1].Value)];

    [GeneratedRegex(@"^\s*//[^\n]*", RegexOptions.Multiline)]
    private static partial Regex LineComment();

    [GeneratedRegex(@"containers:\s*\[\s*\{(.*?)\n\s{8}\}", RegexOptions.Singleline)]
    private static partial Regex ContainerBlock();

    [GeneratedRegex(@"^\s*name:\s*'([^']+)'", RegexOptions.Multiline)]
    private static partial Regex ContainerNameKey();

    [GeneratedRegex(@"command:\s*\[([^\]]*)\]")]
    private static partial Regex CommandArray();

    [GeneratedRegex(@"args:\s*\[([^\]]*)\]")]
    private static partial Regex ArgsArray();

    [GeneratedRegex(@"triggerType:\s*'([^']+)'")]
    private static partial Regex TriggerTypeKey();

    [GeneratedRegex(@"'Microsoft\.App/jobs@([^']+)'")]
    private static partial Regex JobApiVersion();

    [GeneratedRegex(@"'([^']*)'")]
    private static partial Regex QuotedString();
}
