using Herald.Server.Tests.Infrastructure;

namespace Herald.Server.Tests.Health;

public sealed class HealthTests
{
    [Fact]
    public async Task A_full_database_fails_readiness_with_storage_full_and_the_api_says_so()
    {
        await using var host = await HeraldHost.StartAsync(new() { ["Herald:Storage:SqliteMaxSizeBytes"] = (2 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture) });
        Assert.Equal(204, (int)(await host.Client.GetAsync("/health/ready")).StatusCode);
        string app = await host.CreateAppAsync();
        string blob = new('x', 60_000);

        HttpResponseMessage? refused = null;
        for (int n = 0; n < 200 && refused is null; n++)
        {
            var response = await host.Client.PostAsync($"/api/v1/app/{app}/msg", HeraldHost.Json(new { eventType = "a.b", payload = new { blob, n } }));
            if ((int)response.StatusCode != 202)
            {
                refused = response;
            }
        }

        Assert.NotNull(refused);
        Assert.Equal(503, (int)refused.StatusCode);
        Assert.Contains("The storage is full.", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        foreach (var path in new[] { "/health/ready", "/api/v1/health" })
        {
            var ready = await host.Client.GetAsync(path);
            Assert.Equal(503, (int)ready.StatusCode);
            Assert.Contains("storage_full", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(204, (int)(await host.Client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(204, (int)(await host.Client.GetAsync("/api/v1/health/ping")).StatusCode);
    }
}
