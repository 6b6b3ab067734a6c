using System.Net;
using System.Net.Http.Headers;
using Herald.Server.Tests.Infrastructure;
using Herald.Testing;

namespace Herald.Server.Tests.Api;

public sealed class AuthTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong-token")]
    [InlineData("Bearer test-admin-token-but-longer")]
    [InlineData("Basic dGVzdA==")]
    [InlineData("Bearer ")]
    public async Task Missing_or_wrong_tokens_get_401(string? authorization)
    {
        await using var host = await HeraldHost.StartAsync();
        using var client = new HttpClient { BaseAddress = host.Client.BaseAddress };
        if (authorization is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        }
        using var response = await client.PostAsync("/api/v1/app", HeraldHost.Json(new { name = "x" }));
        var problem = await HeraldHost.ReadAsync(response, 401);
        Assert.Equal("authentication_failed", problem["code"]!.GetValue<string>());
        Assert.Empty((await host.GetAsync("/api/v1/app"))["data"]!.AsArray());
    }

    [Fact]
    public async Task Health_needs_no_token()
    {
        await using var host = await HeraldHost.StartAsync();
        using var client = new HttpClient { BaseAddress = host.Client.BaseAddress };
        Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync("/api/v1/health")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync("/api/v1/health/ping")).StatusCode);
    }

    [Fact]
    public async Task Without_a_configured_token_one_is_generated_once_and_kept_across_restarts()
    {
        using var dir = new TempDirectory();
        var settings = new Dictionary<string, string?> { ["Herald:AdminToken"] = "" };
        var console = new StringWriter();
        var original = Console.Out;
        Console.SetOut(console);
        string token;
        try
        {
            await using (var first = await HeraldHost.StartAsync(settings, databasePath: dir.File("h.db")))
            {
                token = console.ToString().Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("hrld_", StringComparison.Ordinal));
                await AssertTokenWorks(first, token);
            }
            console.GetStringBuilder().Clear();
            await using var second = await HeraldHost.StartAsync(settings, databasePath: dir.File("h.db"));
            Assert.DoesNotContain("hrld_", console.ToString(), StringComparison.Ordinal);
            await AssertTokenWorks(second, token);
        }
        finally
        {
            Console.SetOut(original);
        }
        Assert.DoesNotContain(token, await File.ReadAllTextAsync(dir.File("h.db")), StringComparison.Ordinal);
    }

    private static async Task AssertTokenWorks(HeraldHost host, string token)
    {
        using var client = new HttpClient { BaseAddress = host.Client.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/app")).StatusCode);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", HeraldHost.Token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/app")).StatusCode);
    }
}
