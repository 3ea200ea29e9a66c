using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Resumable.Server.Auth;

namespace Resumable.Server.Tests.Auth;

public class ApiKeyAuthenticatorTests
{
    private const string AdminKey = "sk-admin-key-0001";

    // Longer in UTF-8 than the authenticator's stack buffer, with multi-byte characters.
    private static readonly string LongKey = "sk-long-" + string.Concat(Enumerable.Repeat("ключ-密钥-", 40));

    private static readonly ApiKeyAuthenticator Authenticator = new(Options.Create(new ApiKeyOptions
    {
        Keys =
        [
            new ApiKeyEntry { Key = "sk-alpha-key-0001", Tenant = "alpha" },
            new ApiKeyEntry { Key = "sk-beta-key-0002", Tenant = "beta" },
            new ApiKeyEntry { Key = "sk-beta-key-0002-second", Tenant = "beta" },
            new ApiKeyEntry { Key = LongKey, Tenant = "long" },
        ],
        AdminKey = AdminKey,
    }));

    private static HttpRequest Request(string? authorization)
    {
        var context = new DefaultHttpContext();
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }

        return context.Request;
    }

    [Theory]
    [InlineData("Bearer sk-alpha-key-0001", "alpha")]
    [InlineData("Bearer sk-beta-key-0002", "beta")]
    [InlineData("Bearer sk-beta-key-0002-second", "beta")]
    [InlineData("bearer   sk-alpha-key-0001  ", "alpha")]
    public void TryAuthenticateTenant_AConfiguredKey_MapsToItsTenant(string authorization, string tenant)
    {
        Assert.True(Authenticator.TryAuthenticateTenant(Request(authorization), out var found));
        Assert.Equal(tenant, found.Name);
    }

    [Fact]
    public void TryAuthenticateTenant_KeysOfOneTenant_ShareOneTenantObject()
    {
        Authenticator.TryAuthenticateTenant(Request("Bearer sk-beta-key-0002"), out var first);
        Authenticator.TryAuthenticateTenant(Request("Bearer sk-beta-key-0002-second"), out var second);

        Assert.Same(first, second);
    }

    [Fact]
    public void TryAuthenticateTenant_KeyLongerThanTheStackBuffer_IsRecognised()
    {
        Assert.True(Authenticator.TryAuthenticateTenant(Request("Bearer " + LongKey), out var found));
        Assert.Equal("long", found.Name);
        Assert.False(Authenticator.TryAuthenticateTenant(Request("Bearer " + LongKey[..^1]), out _));
    }

    [Theory]
    [InlineData("Bearer sk-alpha-key-000")]
    [InlineData("Bearer sk-alpha-key-00011")]
    [InlineData("Bearer sk-beta-key-0002-secon")]
    [InlineData("Bearer sk")]
    [InlineData("Bearer ")]
    [InlineData("Bearer      ")]
    [InlineData("sk-alpha-key-0001")]
    [InlineData("Basic sk-alpha-key-0001")]
    [InlineData("Bearer " + AdminKey)]
    [InlineData(null)]
    public void TryAuthenticateTenant_NoKeyOrAnUnknownOne_IsRefused(string? authorization)
    {
        Assert.False(Authenticator.TryAuthenticateTenant(Request(authorization), out _));
    }

    [Theory]
    [InlineData("Bearer " + AdminKey, true)]
    [InlineData("Bearer sk-admin-key-000", false)]
    [InlineData("Bearer sk-admin-key-00011", false)]
    [InlineData("Bearer sk-alpha-key-0001", false)]
    [InlineData(null, false)]
    public void IsAdmin_OnlyTheAdminKeyItself_IsAdmitted(string? authorization, bool admitted)
    {
        Assert.Equal(admitted, Authenticator.IsAdmin(Request(authorization)));
    }
}
