namespace CloudSeg.Dashboard.Security;

/// <summary>Authorization policy names used by pages, components and endpoints.</summary>
public static class DashboardPolicies
{
    /// <summary>Any signed-in user: browse, view, download.</summary>
    public const string Reader = "CloudSeg.Reader";

    /// <summary>Users holding the writer role: upload, retry, delete, promote, roll back, retrain.</summary>
    public const string Writer = "CloudSeg.Writer";
}
