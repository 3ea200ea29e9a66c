using Mono.Cecil;
using Mono.Cecil.Cil;
using Resumable.Core.Events;
using Resumable.Redis;
using Resumable.Server.Auth;
using Resumable.Storage.Faster;

namespace Resumable.Server.Tests.Hosting;

/// <summary>
/// Every log line of the service comes from a <c>[LoggerMessage]</c> method: its event id is in the table, its
/// template is parsed once, and nothing formats a message that the level filters out. The extension methods
/// (<c>LogInformation</c> and the like) would do none of that.
/// </summary>
public class SourceGeneratedLoggingTests
{
    [Fact]
    public void NoMethodOfTheService_CallsTheLoggerExtensionMethods()
    {
        // Every method body, lambdas and async state machines included (they are nested, compiler-generated types).
        var calls = new List<string>();
        foreach (var assembly in new[] { typeof(EventFrame), typeof(FasterEventLog), typeof(RedisOptions), typeof(ApiKeyOptions) }.Select(t => t.Assembly.Location))
        {
            using var module = ModuleDefinition.ReadModule(assembly);
            foreach (var type in module.GetTypes())
            {
                foreach (var method in type.Methods.Where(m => m.HasBody))
                {
                    calls.AddRange(method.Body.Instructions
                        .Where(i => i.OpCode.Code is Code.Call or Code.Callvirt && i.Operand is MethodReference { DeclaringType.FullName: "Microsoft.Extensions.Logging.LoggerExtensions" })
                        .Select(i => $"{type.FullName}.{method.Name} calls {((MethodReference)i.Operand).Name}"));
                }
            }
        }

        Assert.Empty(calls);
    }
}
