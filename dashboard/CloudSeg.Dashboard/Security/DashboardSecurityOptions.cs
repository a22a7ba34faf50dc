namespace CloudSeg.Dashboard.Security;

/// <summary>
/// Who may use the dashboard (configuration section <c>Dashboard:Security</c>). Sign-in itself is configured in
/// <c>Authentication:OpenIdConnect</c> (Authority, ClientId, ClientSecret: Microsoft Entra ID or any OIDC provider).
/// </summary>
public sealed class DashboardSecurityOptions
{
    public const string SectionName = "Dashboard:Security";

    /// <summary>
    /// Local mode: no sign-in, everyone is the built-in local user with write rights. Unset = on exactly when storage is
    /// the local emulator (so a dashboard pointed at a real account can never run open by accident).
    /// </summary>
    public bool? LocalMode { get; set; }

    /// <summary>App role (Entra ID "roles" claim) that may upload, retry, delete, promote and start training.</summary>
    public string WriterRole { get; set; } = "CloudSeg.Writer";

    /// <summary>The claim that carries roles in the provider's tokens (Entra ID: "roles").</summary>
    public string RoleClaimType { get; set; } = "roles";
}
