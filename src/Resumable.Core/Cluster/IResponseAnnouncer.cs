namespace Resumable.Core.Cluster;

/// <summary>
/// Makes a newly admitted response known to every node before its creator is answered, so that a request for it
/// on any node finds it at once (the cursor publication follows within a commit and a publish interval).
/// </summary>
public interface IResponseAnnouncer
{
    /// <summary>
    /// Writes <paramref name="response"/> unless a record of it exists already. Returns false, without waiting, when
    /// the directory cannot be reached: the response then becomes known with the next republication.
    /// </summary>
    Task<bool> AnnounceAsync(ClusterResponse response, CancellationToken cancellationToken);
}
