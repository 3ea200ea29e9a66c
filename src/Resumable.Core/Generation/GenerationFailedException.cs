namespace Resumable.Core.Generation;

/// <summary>Thrown by a generator to fail its response with a stable error code.</summary>
public sealed class GenerationFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GenerationFailedException(string code, string message)
        : base(message) => Code = code;

    /// <summary>The response error's <c>code</c>.</summary>
    public string Code { get; }
}
