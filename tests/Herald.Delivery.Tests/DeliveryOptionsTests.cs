namespace Herald.Delivery.Tests;

/// <summary>The source-generated validator of <c>Herald:Delivery</c>, as the server runs it under the section's key.</summary>
public sealed class DeliveryOptionsTests
{
    private static readonly DeliveryOptionsValidator Validator = new();

    [Fact]
    public void The_defaults_are_valid()
    {
        Assert.True(Validator.Validate("Herald:Delivery", new DeliveryOptions()).Succeeded);
    }

    [Fact]
    public void The_lease_must_be_longer_than_the_request_timeout()
    {
        var options = new DeliveryOptions { RequestTimeout = TimeSpan.FromSeconds(30), Lease = TimeSpan.FromSeconds(30) };
        Assert.Contains(Failures(options), f => f.StartsWith("Herald:Delivery:Lease (00:00:30) must be longer than Herald:Delivery:RequestTimeout (00:00:30)", StringComparison.Ordinal));

        options.Lease = TimeSpan.FromSeconds(30) + TimeSpan.FromMilliseconds(1);
        Assert.Empty(Failures(options));
    }

    [Fact]
    public void The_connect_timeout_is_part_of_the_request_timeout_and_adds_nothing_to_what_the_lease_must_cover()
    {
        // The sender's request timeout runs from before the connection is made (see HttpDeliverySenderTests).
        var options = new DeliveryOptions { RequestTimeout = TimeSpan.FromSeconds(15), ConnectTimeout = TimeSpan.FromSeconds(50), Lease = TimeSpan.FromSeconds(16) };
        Assert.Empty(Failures(options));
    }

    [Fact]
    public void Every_zero_interval_is_named()
    {
        var options = new DeliveryOptions
        {
            RequestTimeout = TimeSpan.Zero, ConnectTimeout = TimeSpan.Zero, PollInterval = TimeSpan.Zero, DisableAfterFailingFor = TimeSpan.Zero,
        };
        var failures = Failures(options);
        foreach (var key in new[] { "RequestTimeout", "ConnectTimeout", "PollInterval", "DisableAfterFailingFor" })
        {
            Assert.Contains($"Herald:Delivery:{key} (00:00:00) must be positive.", failures);
        }
    }

    [Fact]
    public void Subnets_are_cidr_networks_or_single_addresses_and_blanks_are_ignored()
    {
        var options = new DeliveryOptions { AllowedSubnets = ["10.0.0.0/8", "192.168.1.7", "fd00::/8", " ", "10.0.0.0/8x"] };
        Assert.Equal(
            ["Herald:Delivery:AllowedSubnets:4 ('10.0.0.0/8x') is not a subnet in CIDR form (e.g. 10.0.0.0/8) or an IP address."],
            Failures(options));
    }

    [Fact]
    public void A_negative_retry_delay_is_named_by_its_index()
    {
        var options = new DeliveryOptions { RetrySchedule = [TimeSpan.Zero, TimeSpan.FromSeconds(-1)] };
        Assert.Equal(["Herald:Delivery:RetrySchedule:1 (-00:00:01) must not be negative."], Failures(options));
    }

    [Fact]
    public void The_breaker_is_validated_with_its_parent()
    {
        var options = new DeliveryOptions { Breaker = new BreakerOptions { OpenInterval = TimeSpan.Zero } };
        Assert.Contains(Failures(options), f => f.StartsWith("Herald:Delivery:Breaker:OpenInterval (00:00:00) must be between", StringComparison.Ordinal));
    }

    private static List<string> Failures(DeliveryOptions options) =>
        Validator.Validate("Herald:Delivery", options).Failures?.ToList() ?? [];
}
