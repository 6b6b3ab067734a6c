using Herald.Delivery.Dispatching;
using Herald.Server.Hosting;
using Herald.Server.Tests.Infrastructure;
using Herald.Testing;
using Microsoft.Extensions.Hosting;

namespace Herald.Server.Tests.Hosting;

/// <summary>A configuration the server cannot run with stops it at start, naming the key and the reason.</summary>
public sealed class StartupValidationTests
{
    [Fact]
    public async Task A_lease_not_longer_than_the_request_timeout_stops_the_start()
    {
        // The test host's RequestTimeout is 00:00:05.
        string reasons = await RefusedStartAsync(new() { ["Herald:Delivery:Lease"] = "00:00:05" });
        Assert.Contains(
            "Herald:Delivery:Lease (00:00:05) must be longer than Herald:Delivery:RequestTimeout (00:00:05)", reasons, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lease_just_longer_than_the_request_timeout_is_accepted()
    {
        await using var host = await HeraldHost.StartAsync(new() { ["Herald:Delivery:Lease"] = "00:00:05.001" });
        Assert.Equal(TimeSpan.FromMilliseconds(5001), host.Services.GetRequiredService<Dispatcher>().Lease);
    }

    [Theory]
    [InlineData("0", "10.0.0.0/33")]
    [InlineData("1", "localhost")]
    public async Task A_malformed_allowed_subnet_stops_the_start(string index, string subnet)
    {
        string reasons = await RefusedStartAsync(new() { ["Herald:Delivery:AllowedSubnets:" + index] = subnet });
        Assert.Contains($"Herald:Delivery:AllowedSubnets:{index} ('{subnet}') is not a subnet in CIDR form", reasons, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_storage_provider_stops_the_start()
    {
        string reasons = await RefusedStartAsync(new() { ["Herald:Storage:Provider"] = "mysql" });
        Assert.Contains("'Herald:Storage:Provider'", reasons, StringComparison.Ordinal);
        Assert.Contains("'mysql' is not one of: sqlite, postgres, postgresql.", reasons, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("worker")]
    [InlineData("2")]
    [InlineData("api;dispatcher")]
    public async Task An_unknown_node_role_stops_the_start(string roles)
    {
        string reasons = await RefusedStartAsync(new() { ["Herald:Roles"] = roles });
        Assert.Contains("'Herald:Roles'", reasons, StringComparison.Ordinal);
        Assert.Contains("is not one of: api, dispatcher.", reasons, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Herald:Delivery:PollInterval", "00:00:00", "Herald:Delivery:PollInterval (00:00:00) must be positive.")]
    [InlineData("Herald:Delivery:ConnectTimeout", "00:00:00", "Herald:Delivery:ConnectTimeout (00:00:00) must be positive.")]
    [InlineData("Herald:Delivery:RequestTimeout", "00:00:00", "Herald:Delivery:RequestTimeout (00:00:00) must be positive.")]
    [InlineData("Herald:Delivery:DisableAfterFailingFor", "-00:00:01", "Herald:Delivery:DisableAfterFailingFor (-00:00:01) must be positive.")]
    [InlineData("Herald:Delivery:Breaker:OpenInterval", "00:00:00", "Herald:Delivery:Breaker:OpenInterval (00:00:00) must be between")]
    [InlineData("Herald:Maintenance:Interval", "00:00:00", "The field Herald:Maintenance:Interval must be between 00:00:01 and 1.00:00:00.")]
    [InlineData("Herald:Portal:TokenLifetime", "00:00:00", "Herald:Portal:TokenLifetime (00:00:00) must be positive.")]
    [InlineData("Herald:IdempotencyClaimTimeout", "00:00:00", "The field Herald:IdempotencyClaimTimeout must be between 00:00:01 and 01:00:00.")]
    public async Task A_zero_or_negative_interval_stops_the_start(string key, string value, string reason)
    {
        Assert.Contains(reason, await RefusedStartAsync(new() { [key] = value }), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Herald:Delivery:BatchSize", "0", "The field Herald:Delivery:BatchSize must be between 1 and 5000.")]
    [InlineData("Herald:Delivery:Breaker:FailureThreshold", "0", "The field Herald:Delivery:Breaker:FailureThreshold must be between 1 and 100000.")]
    [InlineData("Herald:Delivery:MaxInFlightPerApp", "8", "Herald:Delivery:MaxInFlightPerApp (8) must be at least Herald:Delivery:MaxInFlightPerEndpoint (64)")]
    [InlineData("Herald:Storage:SqliteMaxSizeBytes", "5", "Herald:Storage:SqliteMaxSizeBytes (5) must be at least 1048576 (1 MiB).")]
    [InlineData("Herald:Health:MinFreeDiskBytes", "-1", "Herald:Health:MinFreeDiskBytes (-1) must not be negative.")]
    [InlineData("Herald:Limits:StreamsPerApp", "0", "The field Herald:Limits:StreamsPerApp must be between 1 and 100000.")]
    [InlineData("Herald:Security:KnownProxies:0", "nope", "Herald:Security:KnownProxies: 'nope' is not an IP address.")]
    [InlineData("Herald:Operational:Url", "ftp://example.com/", "Herald:Operational:Url must be an absolute http(s) URL.")]
    [InlineData("Herald:Delivery:BatchSize", "many", "'Herald:Delivery:BatchSize'")]
    public async Task Every_options_section_names_its_keys_when_it_stops_the_start(string key, string value, string reason)
    {
        Assert.Contains(reason, await RefusedStartAsync(new() { [key] = value }), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_invalid_setting_of_a_section_is_reported_at_once()
    {
        string reasons = await RefusedStartAsync(new()
        {
            ["Herald:Delivery:PollInterval"] = "00:00:00",
            ["Herald:Delivery:AllowedSubnets:0"] = "nope",
            ["Herald:Delivery:BatchSize"] = "0",
        });
        Assert.Equal(3, reasons.Split('\n').Length);
    }

    [Fact]
    public void Providers_and_roles_are_read_by_name_in_any_case()
    {
        var options = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Herald:Storage:Provider"] = "PostgreSQL",
            ["Herald:Roles"] = "Dispatcher, API",
        }).Build().GetSection("Herald").Get<HeraldOptions>()!;

        Assert.Equal(StorageProvider.Postgres, options.Storage.Provider);
        Assert.Equal(NodeRoles.Api | NodeRoles.Dispatcher, options.Roles);
        Assert.True(new HeraldOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public async Task A_node_with_only_the_api_role_runs_no_dispatcher()
    {
        await using var apiOnly = await HeraldHost.StartAsync(new() { ["Herald:Roles"] = "api" });
        await using var both = await HeraldHost.StartAsync();

        Assert.Empty(apiOnly.Services.GetServices<IHostedService>().OfType<Dispatcher>());
        Assert.False(apiOnly.Services.GetRequiredService<Dispatcher>().CanAccept);
        Assert.Single(both.Services.GetServices<IHostedService>().OfType<Dispatcher>());
        await Eventually.WaitAsync(() => Task.FromResult(both.Services.GetRequiredService<Dispatcher>().CanAccept), running => running);
    }

    /// <summary>Starts a host that must refuse to start; returns the reasons, one a line.</summary>
    private static async Task<string> RefusedStartAsync(Dictionary<string, string?> settings)
    {
        try
        {
            await using var host = await HeraldHost.StartAsync(settings);
        }
        catch (Exception ex)
        {
            var reasons = StartupFailure.Reasons(ex);
            Assert.True(reasons is not null, $"Not a configuration failure: {ex}");
            return string.Join('\n', reasons);
        }
        Assert.Fail("The server started.");
        return "";
    }
}
