namespace Resumable.Server.Dashboard;

/// <summary>What the dashboard page reads before it has a key.</summary>
/// <param name="KeyRequired">Whether the admin endpoints need the admin key (keys are configured).</param>
/// <param name="Metrics">Whether this server serves <c>/metrics</c> (the charts' source; else <c>/admin/stats</c>).</param>
/// <param name="Node">This node's id.</param>
internal sealed record DashboardSettings(bool KeyRequired, bool Metrics, string Node);
