using System.Reflection;
using System.Runtime.CompilerServices;
using NetArchTest.Rules;
using Resumable.Core.Events;

namespace Resumable.Core.Tests;

/// <summary>
/// Core's folders read as the data flow: each namespace depends only on the ones before it in <see cref="Layers"/>,
/// so no stage reaches back, and Core depends on no web framework, storage engine or Redis client.
/// </summary>
public class LayeringTests
{
    // From the bottom up: frames and values, then the stages that use them, then what composes the stages.
    private static readonly string[] Layers =
    [
        "Events", "Responses", "Cursors", "Cluster", "Changes", "Diagnostics", "Generation", "Streaming", "Persistence",
        "Entries", "Sequencing", "Retention", "Jobs", "Recovery",
    ];

    public static TheoryData<string> Namespaces => new(Layers);

    [Theory]
    [MemberData(nameof(Namespaces))]
    public void Namespace_DependsOnlyOnTheLayersBeforeIt(string layer)
    {
        var later = Layers.SkipWhile(name => name != layer).Skip(1).Select(name => $"Resumable.Core.{name}").ToArray();
        if (later.Length == 0)
        {
            return;
        }

        var result = CoreTypes().That().ResideInNamespace($"Resumable.Core.{layer}").ShouldNot().HaveDependencyOnAny(later).GetResult();

        Assert.True(result.IsSuccessful, $"Resumable.Core.{layer} reaches forward: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    [Fact]
    public void Layers_NameEveryNamespaceOfCore()
    {
        var namespaces = typeof(EventFrame).Assembly.GetTypes()
            .Select(type => type.Namespace)
            .Where(name => name is not null && name.StartsWith("Resumable.Core.", StringComparison.Ordinal))
            .Select(name => name!["Resumable.Core.".Length..])
            .Distinct()
            .Order();

        Assert.Equal(Layers.Order(), namespaces);
    }

    [Fact]
    public void Core_DependsOnNoWebFrameworkStorageEngineOrRedisClient()
    {
        var result = CoreTypes().ShouldNot().HaveDependencyOnAny("Microsoft.AspNetCore", "FASTER", "StackExchange.Redis", "Resumable.Storage", "Resumable.Server", "Resumable.Redis").GetResult();

        Assert.True(result.IsSuccessful, $"Core depends on an adapter: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    [Fact]
    public void Core_GrantsItsInternalsToTestsAndBenchmarksOnly()
    {
        var friends = typeof(EventFrame).Assembly.GetCustomAttributes<InternalsVisibleToAttribute>().Select(attribute => attribute.AssemblyName);

        Assert.All(friends, friend => Assert.True(
            friend.EndsWith(".Tests", StringComparison.Ordinal) || friend is "Resumable.Testing" or "Resumable.Benchmarks",
            $"Core grants its internals to the production assembly {friend}"));
    }

    private static Types CoreTypes() => Types.InAssembly(typeof(EventFrame).Assembly);
}
