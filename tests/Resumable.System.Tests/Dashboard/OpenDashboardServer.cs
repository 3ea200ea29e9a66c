namespace Resumable.System.Tests.Dashboard;

/// <summary>The dashboard's server with no key configured at all: the service, and so the page, is open.</summary>
public sealed class OpenDashboardServer : DashboardServer
{
    public override bool Open => true;
}
