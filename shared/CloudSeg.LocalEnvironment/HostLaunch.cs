using System.Diagnostics;

namespace CloudSeg.LocalEnvironment;

/// <summary>
/// How a built CloudSeg host is started as a process, by `cloudseg up` and by the end-to-end tests alike, so what
/// the tests run is what users run.
/// </summary>
public static class HostLaunch
{
    /// <summary>
    /// <c>dotnet Host.dll</c> in the host's build output folder: the working directory is the content root, and only
    /// that folder holds the host's appsettings.json (scan interval, log levels). <paramref name="environment"/> is
    /// ASPNETCORE_ENVIRONMENT; anything but Development keeps stack traces off error pages.
    /// </summary>
    public static ProcessStartInfo StartInfo(string hostDll, string environment)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(hostDll))! };
        psi.ArgumentList.Add(Path.GetFullPath(hostDll));
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        psi.Environment["DOTNET_NOLOGO"] = "1";
        return psi;
    }
}
