namespace Resumable.Server.Dashboard;

/// <summary>Rows that are new or changed since the feed last sent them.</summary>
/// <param name="Responses">The rows as they are now.</param>
internal sealed record DashboardUpsert(List<DashboardRow> Responses);
