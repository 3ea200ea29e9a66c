namespace Resumable.Core.Generation;

/// <summary>Finds the generator that serves a model among the registered ones, first registered first.</summary>
public sealed class GeneratorCatalog(IEnumerable<IGenerator> generators)
{
    private readonly IGenerator[] _generators = generators.ToArray();

    /// <summary>The generator for <paramref name="model"/>, or false when no generator serves it.</summary>
    public bool TryResolve(string model, out IGenerator generator)
    {
        foreach (var candidate in _generators)
        {
            if (candidate.Serves(model))
            {
                generator = candidate;
                return true;
            }
        }

        generator = null!;
        return false;
    }
}
