using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Herald.Outbox.Tests.Relay;

public sealed class OptionsTests
{
    [Theory]
    [InlineData("ConnectionString", "", "ConnectionString")]
    [InlineData("BatchSize", "0", "BatchSize")]
    [InlineData("PollInterval", "00:00:00", "PollInterval")]
    [InlineData("RetryDelay", "00:10:00", "MaxRetryDelay")]
    [InlineData("Provider", "7", "Provider")]
    public async Task Invalid_options_stop_the_host_at_start_naming_the_field(string key, string value, string field)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Herald:Outbox:ConnectionString"] = "Data Source=:memory:",
            ["Herald:Outbox:MaxRetryDelay"] = "00:05:00",
            [$"Herald:Outbox:{key}"] = value,
        };
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddHeraldOutbox(builder.Configuration.GetSection("Herald:Outbox"));
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(field, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_relay_without_a_Herald_client_says_what_to_add()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddHeraldOutbox(o => o.ConnectionString = "Data Source=:memory:");
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("AddHeraldClient", ex.Message, StringComparison.Ordinal);
    }
}
