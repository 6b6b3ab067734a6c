using Herald.Server.Tests.Infrastructure;

namespace Herald.Server.Tests.Api;

public sealed class IdempotencyTests : IAsyncLifetime
{
    private HeraldHost _host = null!;

    public async Task InitializeAsync() => _host = await HeraldHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<(int Status, string Body, bool Replayed)> PostAsync(string path, object body, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = HeraldHost.Json(body) };
        request.Headers.Add("idempotency-key", key);
        using var response = await _host.Client.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.Contains("Idempotent-Replayed"));
    }

    [Fact]
    public async Task The_same_key_returns_the_first_response_and_creates_one_message()
    {
        string app = await _host.CreateAppAsync();
        var body = new { eventType = "payment.succeeded", payload = new { orderId = "12345" } };
        var first = await PostAsync($"/api/v1/app/{app}/msg", body, "order-12345");
        var second = await PostAsync($"/api/v1/app/{app}/msg", body, "order-12345");
        Assert.Equal(202, first.Status);
        Assert.Equal(202, second.Status);
        Assert.Equal(first.Body, second.Body);
        Assert.True(second.Replayed);
        Assert.Single((await _host.GetAsync($"/api/v1/app/{app}/msg"))["data"]!.AsArray());
    }

    [Fact]
    public async Task Concurrent_requests_with_one_key_create_one_message()
    {
        string app = await _host.CreateAppAsync();
        var body = new { eventType = "payment.succeeded", payload = new { orderId = "777" } };
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PostAsync($"/api/v1/app/{app}/msg", body, "same-key")));
        Assert.All(results, r => Assert.Equal(202, r.Status));
        Assert.Single(results.Select(r => r.Body).Distinct());
        Assert.Single((await _host.GetAsync($"/api/v1/app/{app}/msg"))["data"]!.AsArray());
    }

    [Fact]
    public async Task Reusing_a_key_with_another_body_is_a_conflict()
    {
        string app = await _host.CreateAppAsync();
        await PostAsync($"/api/v1/app/{app}/msg", new { eventType = "a.b", payload = new { n = 1 } }, "k1");
        var reused = await PostAsync($"/api/v1/app/{app}/msg", new { eventType = "a.b", payload = new { n = 2 } }, "k1");
        Assert.Equal(409, reused.Status);
        Assert.Contains("idempotency_conflict", reused.Body, StringComparison.Ordinal);
        Assert.Single((await _host.GetAsync($"/api/v1/app/{app}/msg"))["data"]!.AsArray());
    }

    [Fact]
    public async Task Failed_requests_are_not_stored_and_can_be_retried_with_the_same_key()
    {
        string app = await _host.CreateAppAsync();
        var bad = await PostAsync($"/api/v1/app/{app}/msg", new { eventType = "bad type", payload = new { } }, "k2");
        Assert.Equal(422, bad.Status);
        var good = await PostAsync($"/api/v1/app/{app}/msg", new { eventType = "bad type", payload = new { } }, "k2");
        Assert.Equal(422, good.Status);
        Assert.False(good.Replayed);
    }
}
