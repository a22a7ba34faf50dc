using System.Text.Json.Nodes;

namespace CloudSeg.Functions.Training;

/// <summary>
/// The body of <c>POST .../jobs/{job}/start</c>. Containers given there replace the job template's for that execution
/// (as `az containerapp job start --env-vars` does, we never send a partial container): each is copied from the job as
/// deployed (image, command, args, resources and the environment with the storage settings) and only the training
/// container's environment gets the run's overrides.
/// </summary>
public static class JobExecutionTemplate
{
    // The properties of a JobExecutionContainer (Microsoft.App 2025-07-01); probes or volume mounts are not accepted here.
    private static readonly string[] ExecutionContainerProperties = ["image", "name", "command", "args", "env", "resources"];

    public static JsonObject For(JsonObject job, string containerName, IReadOnlyDictionary<string, string> environment)
    {
        var jobName = job["name"]?.GetValue<string>() ?? "(unnamed)";
        var template = job["properties"]?["template"] as JsonObject;
        var containers = template?["containers"] as JsonArray ?? [];
        var names = containers.Select(c => c?["name"]?.GetValue<string>()).ToList();
        if (!names.Contains(containerName, StringComparer.Ordinal))
        {
            throw new InvalidOperationException(
                $"Job {jobName} has no container named '{containerName}' (it has: {string.Join(", ", names.Select(n => $"'{n}'"))}); " +
                "Training:ContainerAppsJob:ContainerName must name the container of infra/modules/training-job.bicep.");
        }

        var body = new JsonObject
        {
            ["containers"] = new JsonArray(containers.Select(c =>
            {
                var copy = Copy((JsonObject)c!);
                if (c!["name"]?.GetValue<string>() == containerName) copy["env"] = Override(c["env"] as JsonArray, environment);
                return (JsonNode)copy;
            }).ToArray()),
        };
        if (template?["initContainers"] is JsonArray { Count: > 0 } initContainers)
            body["initContainers"] = new JsonArray(initContainers.Select(c => (JsonNode)Copy((JsonObject)c!)).ToArray());
        return body;
    }

    private static JsonObject Copy(JsonObject container)
    {
        var copy = new JsonObject();
        foreach (var property in ExecutionContainerProperties)
        {
            if (container[property] is { } value) copy[property] = value.DeepClone();
        }
        return copy;
    }

    private static JsonArray Override(JsonArray? env, IReadOnlyDictionary<string, string> overrides)
    {
        var merged = new JsonArray();
        foreach (var entry in env ?? [])
        {
            if (entry?["name"]?.GetValue<string>() is { } name && !overrides.ContainsKey(name)) merged.Add(entry.DeepClone());
        }
        foreach (var (name, value) in overrides) merged.Add(new JsonObject { ["name"] = name, ["value"] = value });
        return merged;
    }
}
