namespace Resumable.Server.Endpoints;

/// <summary><c>/healthz</c> (the process answers) and <c>/readyz</c> (it can take new work: the queue has room).</summary>
internal static class HealthEndpoints
{
    public const string ReadyTag = "ready";

    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/healthz", new() { Predicate = static _ => false });
        app.MapHealthChecks("/readyz", new() { Predicate = static check => check.Tags.Contains(ReadyTag) });
        return app;
    }
}
