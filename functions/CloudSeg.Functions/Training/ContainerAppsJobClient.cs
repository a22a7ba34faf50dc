using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using CloudSeg.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CloudSeg.Functions.Training;

/// <summary>
/// The three ARM calls training needs on one Container Apps Job (read it, start an execution, read an execution),
/// written against the REST API because Azure.ResourceManager.AppContainers is not available here. Every call goes
/// through Azure.Core's pipeline: a managed-identity bearer token, retries of 408/429/5xx and dropped connections
/// (honouring Retry-After), the SDK's request logging and ours. An answer that is not a success becomes an
/// <see cref="ArmRequestException"/> whose message says what to fix.
/// </summary>
public sealed partial class ContainerAppsJobClient
{
    /// <summary>Key of the <see cref="TokenCredential"/> service the client authenticates with.</summary>
    public const string CredentialKey = "ContainerAppsJob";

    /// <summary>Name of the <see cref="HttpClient"/> (IHttpClientFactory) that carries the calls.</summary>
    public const string HttpClientName = "ContainerAppsJob";

    private readonly ContainerAppsJobOptions _options;
    private readonly IHttpClientFactory _httpClients;
    private readonly HttpPipelinePolicy _authentication;
    private readonly HttpPipelinePolicy _logging;

    public ContainerAppsJobClient(
        IOptions<TrainingOptions> options,
        IOptions<StorageOptions> storage,
        [FromKeyedServices(CredentialKey)] TokenCredential credential,
        IHttpClientFactory httpClients,
        ILogger<ContainerAppsJobClient> logger)
    {
        _options = options.Value.ContainerAppsJob;
        _httpClients = httpClients;
        var clientId = string.IsNullOrWhiteSpace(_options.ManagedIdentityClientId) ? storage.Value.ManagedIdentityClientId : _options.ManagedIdentityClientId;
        Identity = string.IsNullOrWhiteSpace(clientId)
            ? "the app's default Azure identity (no managed identity client id configured)"
            : $"the managed identity with client id {clientId}";
        // Shared by every call's pipeline so the token is cached between calls.
        _authentication = new BearerTokenAuthenticationPolicy(credential, _options.TokenScope);
        _logging = new CallLoggingPolicy(logger);
    }

    /// <summary>Who the calls run as, in words, for error messages.</summary>
    public string Identity { get; }

    public string JobName => _options.JobName!;

    /// <summary>ARM id of the job; an execution's id is this + /executions/&lt;name&gt;.</summary>
    public string JobResourceId =>
        $"/subscriptions/{_options.SubscriptionId}/resourceGroups/{_options.ResourceGroup}/providers/Microsoft.App/jobs/{_options.JobName}";

    /// <summary>GET the job (its template is the base of an execution's containers).</summary>
    public async Task<JsonObject> GetJobAsync(CancellationToken ct)
    {
        var action = $"read job {JobName}";
        using var response = await SendAsync(RequestMethod.Get, JobUri(""), null, action, ct).ConfigureAwait(false);
        if (response.Status == 200 && ParseObject(response) is { } job) return job;
        throw Failure(response, action, $"The Container Apps Job {JobName} does not exist in resource group {_options.ResourceGroup} " +
                                        $"of subscription {_options.SubscriptionId}; check Training:ContainerAppsJob or deploy infra/main.bicep.");
    }

    /// <summary>POST .../start with per-execution containers; returns the execution ARM names.</summary>
    public async Task<JobExecutionRef> StartAsync(JsonObject template, CancellationToken ct)
    {
        var action = $"start job {JobName}";
        using var response = await SendAsync(RequestMethod.Post, JobUri("/start"), template, action, ct).ConfigureAwait(false);
        if (response.Status is 200 or 201 or 202)
        {
            if (ReadExecution(response) is { } execution) return execution;
            // A bare 202 is an ARM async operation: its Location names the execution once it exists.
            if (response.Status == 202 && response.Headers.TryGetValue("Location", out var location))
                return await FollowStartAsync(location, RetryAfter(response), action, ct).ConfigureAwait(false);
            throw new ArmRequestException($"ARM accepted the start of job {JobName} ({response.Status}) but named no execution and gave no Location to follow.");
        }
        throw Failure(response, action, $"The Container Apps Job {JobName} does not exist in resource group {_options.ResourceGroup}; nothing was started.");
    }

    /// <summary>GET .../executions/{name}; null when ARM no longer knows the execution (404).</summary>
    public async Task<JobExecutionState?> GetExecutionAsync(string executionName, CancellationToken ct)
    {
        var action = $"read execution {executionName} of job {JobName}";
        using var response = await SendAsync(RequestMethod.Get, JobUri("/executions/" + Uri.EscapeDataString(executionName)), null, action, ct).ConfigureAwait(false);
        if (response.Status == 404) return null;
        if (response.Status == 200 && ParseObject(response) is { } body)
        {
            var properties = body["properties"] as JsonObject;
            return new JobExecutionState(
                executionName,
                properties?["status"]?.GetValue<string>() ?? "Unknown",
                ReadTime(properties?["startTime"]),
                ReadTime(properties?["endTime"]));
        }
        throw Failure(response, action, notFound: "");
    }

    private async Task<JobExecutionRef> FollowStartAsync(string location, TimeSpan? retryAfter, string action, CancellationToken ct)
    {
        var operation = new Uri(_options.ArmEndpoint, location);
        // The pipeline puts the bearer token on every request: follow only ARM's own address.
        if (Uri.Compare(operation, _options.ArmEndpoint, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0)
            throw new ArmRequestException($"ARM answered the start of job {JobName} with a Location outside {_options.ArmEndpoint} ({operation.GetLeftPart(UriPartial.Authority)}); not followed.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.StartTimeout);
        try
        {
            while (true)
            {
                await Task.Delay(retryAfter ?? _options.OperationPollInterval, timeout.Token).ConfigureAwait(false);
                using var response = await SendAsync(RequestMethod.Get, operation, null, action, timeout.Token).ConfigureAwait(false);
                if (response.Status is 200 or 201 && ReadExecution(response) is { } execution) return execution;
                if (response.Status != 202) throw Failure(response, action, $"The start operation of job {JobName} disappeared before naming its execution.");
                retryAfter = RetryAfter(response);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new ArmRequestException($"ARM did not name the execution of job {JobName} within {_options.StartTimeout}; " +
                                          "see `az containerapp job execution list` for an execution started without a run.");
        }
    }

    private async Task<Response> SendAsync(RequestMethod method, Uri uri, JsonNode? body, string action, CancellationToken ct)
    {
        var clientOptions = new ArmClientOptions(_options, _httpClients.CreateClient(HttpClientName));
        var pipeline = HttpPipelineBuilder.Build(clientOptions, _authentication, _logging);
        using var request = pipeline.CreateRequest();
        request.Method = method;
        request.Uri.Reset(uri);
        if (!uri.Query.Contains("api-version=", StringComparison.Ordinal)) request.Uri.AppendQuery("api-version", _options.ApiVersion);
        request.Headers.Add("Accept", "application/json");
        if (body is not null)
        {
            request.Headers.Add("Content-Type", "application/json");
            request.Content = RequestContent.Create(BinaryData.FromString(body.ToJsonString()));
        }
        try
        {
            return await pipeline.SendRequestAsync(request, ct).ConfigureAwait(false);
        }
        catch (AuthenticationFailedException ex)
        {
            throw new ArmRequestException($"No ARM token for {Identity} to {action}: {ex.Message}", ex);
        }
        catch (RequestFailedException ex)
        {
            throw new ArmRequestException($"ARM at {_options.ArmEndpoint} could not be reached to {action} (after {_options.MaxRetries} retries): {ex.Message}", ex);
        }
    }

    private Uri JobUri(string suffix) => new(_options.ArmEndpoint, JobResourceId + suffix);

    private ArmRequestException Failure(Response response, string action, string notFound)
    {
        var (code, message) = ReadError(response);
        var answer = $"{response.Status} {code}: {message}";
        return response.Status switch
        {
            401 => new ArmRequestException($"ARM refused the token of {Identity} to {action} ({answer}). Check that Training:ContainerAppsJob:ManagedIdentityClientId " +
                                           "(or Storage:ManagedIdentityClientId) names an identity assigned to this app, in the job's tenant.", response.Status),
            403 => new ArmRequestException($"{Identity} may not {action} ({answer}). It needs the 'CloudSeg training job operator' role " +
                                           $"(Microsoft.App/jobs/read, jobs/start/action, jobs/executions/read) on job {JobName}: infra/modules/job-operator.bicep assigns it.", response.Status),
            404 when notFound.Length > 0 => new ArmRequestException($"{notFound} ({answer})", response.Status),
            // The statuses Azure.Core's retry policy retries.
            408 or 429 or 500 or 502 or 503 or 504 => new ArmRequestException($"ARM still answered {answer} to {action} after {_options.MaxRetries} retries.", response.Status),
            _ => new ArmRequestException($"ARM refused to {action}: {answer}.", response.Status),
        };
    }

    private static (string Code, string Message) ReadError(Response response)
    {
        try
        {
            if (ParseObject(response)?["error"] is JsonObject error)
                return (error["code"]?.GetValue<string>() ?? "", error["message"]?.GetValue<string>() ?? "");
        }
        catch (InvalidOperationException)
        {
            // code/message not strings: fall back to the raw text below.
        }
        var text = response.Content.ToString();
        return (response.ReasonPhrase, text.Length > 300 ? text[..300] + "…" : text);
    }

    private static JobExecutionRef? ReadExecution(Response response) =>
        ParseObject(response) is { } body && body["name"]?.GetValue<string>() is { Length: > 0 } name
            ? new JobExecutionRef(name, body["id"]?.GetValue<string>())
            : null;

    private static JsonObject? ParseObject(Response response)
    {
        if (response.Content.ToMemory().Length == 0) return null;
        try
        {
            return JsonNode.Parse(response.Content.ToString()) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static DateTimeOffset? ReadTime(JsonNode? node) =>
        node?.GetValue<string>() is { } text && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var time) ? time : null;

    private static TimeSpan? RetryAfter(Response response) =>
        response.Headers.TryGetValue("Retry-After", out var value) && int.TryParse(value, out var seconds) && seconds >= 0
            ? TimeSpan.FromSeconds(seconds)
            : null;

    /// <summary>Retries, transport and logging for ARM: one place that turns the options into the pipeline's.</summary>
    private sealed class ArmClientOptions : ClientOptions
    {
        public ArmClientOptions(ContainerAppsJobOptions options, HttpClient http)
        {
            Transport = new HttpClientTransport(http);
            Retry.Mode = RetryMode.Exponential;
            Retry.MaxRetries = options.MaxRetries;
            Retry.Delay = options.RetryDelay;
            Retry.MaxDelay = options.MaxRetryDelay;
            Diagnostics.ApplicationId = "cloudseg-functions";
        }
    }

    /// <summary>One line per attempt (retries included) with ARM's request id, for support cases.</summary>
    private sealed class CallLoggingPolicy(ILogger logger) : HttpPipelineSynchronousPolicy
    {
        public override void OnReceivedResponse(HttpMessage message)
        {
            var response = message.Response;
            response.Headers.TryGetValue("x-ms-request-id", out var requestId);
            var path = message.Request.Uri.Path;
            if (response.Status >= 400) LogCallFailed(logger, message.Request.Method.Method, path, response.Status, requestId);
            else LogCall(logger, message.Request.Method.Method, path, response.Status, requestId);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "ARM {Method} {Path}: {Status} (request {RequestId})")]
    private static partial void LogCall(ILogger logger, string method, string path, int status, string? requestId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ARM {Method} {Path}: {Status} (request {RequestId})")]
    private static partial void LogCallFailed(ILogger logger, string method, string path, int status, string? requestId);
}

/// <summary>An execution as the start call names it: its name and, when ARM gives it, its resource id.</summary>
public sealed record JobExecutionRef(string Name, string? Id);

/// <summary>An execution's <c>properties.status</c> (Running, Processing, Succeeded, Failed, Stopped, Degraded, Unknown).</summary>
public sealed record JobExecutionState(string Name, string Status, DateTimeOffset? StartTime, DateTimeOffset? EndTime);

/// <summary>An ARM call that did not succeed; the message says why and what to fix.</summary>
public sealed class ArmRequestException : Exception
{
    public ArmRequestException(string message, int status = 0) : base(message) => Status = status;

    public ArmRequestException(string message, Exception inner) : base(message, inner)
    {
    }

    /// <summary>ARM's HTTP status; 0 when it never answered.</summary>
    public int Status { get; }
}
