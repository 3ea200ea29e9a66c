namespace Resumable.Server.Dashboard;

/// <summary>Responses that are gone (deleted, expired, or no longer in Redis).</summary>
/// <param name="Ids">Their ids.</param>
internal sealed record DashboardRemoval(List<string> Ids);
