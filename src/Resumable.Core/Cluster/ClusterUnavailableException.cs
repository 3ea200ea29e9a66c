namespace Resumable.Core.Cluster;

/// <summary>The shared directory did not answer: not connected, or not within its timeout.</summary>
public sealed class ClusterUnavailableException : Exception
{
    /// <summary>A failure described by <paramref name="message"/>, caused by <paramref name="inner"/> when there is one.</summary>
    public ClusterUnavailableException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
