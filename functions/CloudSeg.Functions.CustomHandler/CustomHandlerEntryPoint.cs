namespace CloudSeg.Functions.CustomHandler;

/// <summary>Names this assembly for WebApplicationFactory in tests (both hosts have an internal top-level Program).</summary>
public sealed class CustomHandlerEntryPoint;
