using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CloudSeg.Functions.Tests.Training;

/// <summary>
/// Azure Resource Manager for one Container Apps Job, served over HTTPS on 127.0.0.1 (Azure.Core sends bearer tokens
/// over TLS only) with a certificate made for the test. Like ARM it answers 401 without the expected bearer token,
/// 400 for another api-version and 404 for resources it does not know; it records every request. Tests script the
/// answers they need (<see cref="Answer"/>) and the statuses an execution walks through (<see cref="WalkExecution"/>).
/// A second, plain-HTTP listener plays the managed identity endpoint Container Apps gives a replica (IDENTITY_ENDPOINT
/// with the IDENTITY_HEADER secret), so the product's own credential can fetch its token here.
/// </summary>
internal sealed class FakeArm : IAsyncDisposable
{
    public const string Token = "fake-arm-token";
    public const string SubscriptionId = "0b1f6471-1bf0-4dda-aec3-111122223333";
    public const string ResourceGroup = "rg-cloudseg";
    public const string JobName = "job-cloudseg-training";
    public const string ApiVersion = "2025-07-01";
    public const string ExecutionName = "job-cloudseg-training-x7k2p9q";
    public const string Image = "crcloudsegtest.azurecr.io/cloudseg-training:abc123";
    public const string IdentityHeader = "fake-identity-header-secret";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<ScriptedAnswer>> _answers = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _executions = new();

    private FakeArm(WebApplication app, X509Certificate2 certificate, JsonObject job)
    {
        _app = app;
        Certificate = certificate;
        Job = job;
    }

    public X509Certificate2 Certificate { get; }

    public Uri Endpoint { get; private set; } = null!;

    /// <summary>The managed identity token endpoint (what Container Apps puts in IDENTITY_ENDPOINT).</summary>
    public Uri IdentityEndpoint { get; private set; } = null!;

    /// <summary>The job as GET .../jobs/{job} returns it.</summary>
    public JsonObject Job { get; }

    public ConcurrentQueue<ArmCall> Calls { get; } = new();

    public static string JobPath => $"/subscriptions/{SubscriptionId}/resourceGroups/{ResourceGroup}/providers/Microsoft.App/jobs/{JobName}";

    public IEnumerable<ArmCall> CallsTo(string route) => Calls.Where(c => c.Route == route);

    public static async Task<FakeArm> StartAsync(JsonObject job)
    {
        var certificate = CreateCertificate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate));
            k.Listen(IPAddress.Loopback, 0);
        });
        var app = builder.Build();
        var fake = new FakeArm(app, certificate, job);
        app.Run(fake.HandleAsync);
        await app.StartAsync();
        fake.Endpoint = new Uri(app.Urls.Single(u => u.StartsWith("https:", StringComparison.Ordinal)));
        fake.IdentityEndpoint = new Uri(new Uri(app.Urls.Single(u => u.StartsWith("http:", StringComparison.Ordinal))), "/msi/token");
        return fake;
    }

    /// <summary>The next request to <paramref name="route"/> (job, start, execution, operation) gets this answer instead of the default.</summary>
    public void Answer(string route, int status, JsonObject? body = null, params (string Name, string Value)[] headers) =>
        _answers.GetOrAdd(route, _ => new()).Enqueue(new ScriptedAnswer(status, body, headers));

    /// <summary>Each GET of the execution returns the next status; the last one stays.</summary>
    public void WalkExecution(string name, params string[] statuses) => _executions[name] = new ConcurrentQueue<string>(statuses);

    public static JsonObject ArmError(string code, string message) => new() { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } };

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var body = await new StreamReader(request.Body).ReadToEndAsync();
        var path = request.Path.Value ?? "";
        if (!request.IsHttps)
        {
            await IssueTokenAsync(context, path);
            return;
        }
        var route = path switch
        {
            _ when path.Equals(JobPath, StringComparison.OrdinalIgnoreCase) && request.Method == "GET" => "job",
            _ when path.Equals(JobPath + "/start", StringComparison.OrdinalIgnoreCase) && request.Method == "POST" => "start",
            _ when path.StartsWith(JobPath + "/executions/", StringComparison.OrdinalIgnoreCase) && request.Method == "GET" => "execution",
            _ when path.Contains("/containerappsjobOperationResults/", StringComparison.OrdinalIgnoreCase) && request.Method == "GET" => "operation",
            _ => "unknown",
        };
        Calls.Enqueue(new ArmCall(route, request.Method, path, request.Query["api-version"].ToString(), request.Headers.Authorization.ToString(), body, DateTimeOffset.UtcNow));

        if (request.Headers.Authorization.ToString() != $"Bearer {Token}")
        {
            await WriteAsync(context, 401, ArmError("AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing or invalid."));
            return;
        }
        if (request.Query["api-version"].ToString() != ApiVersion)
        {
            await WriteAsync(context, 400, ArmError("InvalidApiVersionParameter", $"The api-version '{request.Query["api-version"]}' is invalid."));
            return;
        }
        if (_answers.TryGetValue(route, out var scripted) && scripted.TryDequeue(out var answer))
        {
            foreach (var (name, value) in answer.Headers) context.Response.Headers[name] = value.Replace("{endpoint}", Endpoint.ToString().TrimEnd('/'), StringComparison.Ordinal);
            await WriteAsync(context, answer.Status, answer.Body);
            return;
        }
        switch (route)
        {
            case "job":
                await WriteAsync(context, 200, Job);
                break;
            case "start":
                _executions.TryAdd(ExecutionName, new ConcurrentQueue<string>(["Running"]));
                await WriteAsync(context, 202, new JsonObject { ["name"] = ExecutionName, ["id"] = $"{JobPath}/executions/{ExecutionName}" });
                break;
            case "execution" when _executions.TryGetValue(path[(path.LastIndexOf('/') + 1)..], out var statuses):
                var status = statuses.Count > 1 && statuses.TryDequeue(out var next) ? next : statuses.TryPeek(out var last) ? last : "Unknown";
                await WriteAsync(context, 200, new JsonObject
                {
                    ["name"] = path[(path.LastIndexOf('/') + 1)..],
                    ["properties"] = new JsonObject { ["status"] = status, ["startTime"] = "2026-12-06T03:00:05+00:00" },
                });
                break;
            default:
                await WriteAsync(context, 404, ArmError("ResourceNotFound", $"The Resource '{path}' was not found."));
                break;
        }
    }

    // The App Service / Container Apps managed identity protocol: GET ?resource=&client_id= with the secret header.
    private async Task IssueTokenAsync(HttpContext context, string path)
    {
        var query = context.Request.Query;
        Calls.Enqueue(new ArmCall("identity", context.Request.Method, path, query["api-version"].ToString(),
            context.Request.Headers["X-IDENTITY-HEADER"].ToString(), $"resource={query["resource"]}&client_id={query["client_id"]}", DateTimeOffset.UtcNow));
        if (path != "/msi/token" || context.Request.Headers["X-IDENTITY-HEADER"] != IdentityHeader)
        {
            await WriteAsync(context, 401, new JsonObject { ["error"] = "invalid_request" });
            return;
        }
        await WriteAsync(context, 200, new JsonObject
        {
            ["access_token"] = Token,
            ["expires_on"] = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["resource"] = query["resource"].ToString(),
            ["token_type"] = "Bearer",
            ["client_id"] = query["client_id"].ToString(),
        });
    }

    private static async Task WriteAsync(HttpContext context, int status, JsonObject? body)
    {
        context.Response.StatusCode = status;
        context.Response.Headers["x-ms-request-id"] = Guid.NewGuid().ToString();
        if (body is null) return;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString());
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new("1.3.6.1.5.5.7.3.1")], critical: false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(2));
        // Round-trip through PKCS#12 so the private key is usable by the TLS stack on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Certificate.Dispose();
    }

    private sealed record ScriptedAnswer(int Status, JsonObject? Body, (string Name, string Value)[] Headers);
}

/// <summary>One request as the fake ARM received it.</summary>
internal sealed record ArmCall(string Route, string Method, string Path, string ApiVersion, string Authorization, string Body, DateTimeOffset At);
