namespace Resumable.LoadTest;

/// <summary>TCP connections of one listener: accepted so far, open now, and the most open at once since the last <see cref="ResetPeak"/>.</summary>
internal sealed class ConnectionCounter
{
    private int _accepted;
    private int _open;
    private int _peak;
    private int _requests;

    public int Accepted => Volatile.Read(ref _accepted);

    public int Open => Volatile.Read(ref _open);

    public int Peak => Volatile.Read(ref _peak);

    /// <summary>Requests received on the listener's connections so far.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Counts a connection for as long as <paramref name="connection"/> (the rest of Kestrel's connection pipeline) runs.</summary>
    public async Task TrackAsync(Func<Task> connection)
    {
        Interlocked.Increment(ref _accepted);
        var open = Interlocked.Increment(ref _open);
        int peak;
        while (open > (peak = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, open, peak) != peak)
        {
        }

        try
        {
            await connection();
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    }

    public void CountRequest() => Interlocked.Increment(ref _requests);

    /// <summary>Starts a new peak from the connections open now.</summary>
    public void ResetPeak() => Volatile.Write(ref _peak, Open);
}
