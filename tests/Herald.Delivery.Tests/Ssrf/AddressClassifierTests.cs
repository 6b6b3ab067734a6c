using System.Net;
using Herald.Delivery.Ssrf;

namespace Herald.Delivery.Tests.Ssrf;

public sealed class AddressClassifierTests
{
    [Theory]
    [InlineData("127.0.0.1", AddressClass.Loopback)]
    [InlineData("127.255.255.254", AddressClass.Loopback)]
    [InlineData("::1", AddressClass.Loopback)]
    [InlineData("10.0.0.1", AddressClass.Private)]
    [InlineData("172.16.0.1", AddressClass.Private)]
    [InlineData("172.31.255.255", AddressClass.Private)]
    [InlineData("192.168.1.1", AddressClass.Private)]
    [InlineData("169.254.169.254", AddressClass.LinkLocal)]
    [InlineData("fe80::1", AddressClass.LinkLocal)]
    [InlineData("100.64.0.1", AddressClass.SharedCgnat)]
    [InlineData("100.127.255.254", AddressClass.SharedCgnat)]
    [InlineData("0.0.0.0", AddressClass.Unspecified)]
    [InlineData("::", AddressClass.Unspecified)]
    [InlineData("224.0.0.1", AddressClass.Multicast)]
    [InlineData("ff02::1", AddressClass.Multicast)]
    [InlineData("255.255.255.255", AddressClass.Broadcast)]
    [InlineData("fc00::1", AddressClass.UniqueLocal)]
    [InlineData("fd12:3456::1", AddressClass.UniqueLocal)]
    [InlineData("::ffff:127.0.0.1", AddressClass.Ipv4Mapped)]
    [InlineData("::ffff:8.8.8.8", AddressClass.Ipv4Mapped)]
    [InlineData("64:ff9b::a00:1", AddressClass.Nat64)]
    [InlineData("2002:a00:1::1", AddressClass.SixToFour)]
    [InlineData("2001:0:4136:e378::1", AddressClass.Teredo)]
    [InlineData("192.0.2.1", AddressClass.Documentation)]
    [InlineData("2001:db8::1", AddressClass.Documentation)]
    [InlineData("240.0.0.1", AddressClass.Reserved)]
    [InlineData("198.18.0.1", AddressClass.Reserved)]
    [InlineData("93.184.216.34", AddressClass.Public)]
    [InlineData("8.8.8.8", AddressClass.Public)]
    [InlineData("2606:4700:4700::1111", AddressClass.Public)]
    [InlineData("172.32.0.1", AddressClass.Public)]
    [InlineData("100.128.0.1", AddressClass.Public)]
    public void Addresses_are_classified(string address, AddressClass expected) =>
        Assert.Equal(expected, AddressClassifier.Classify(IPAddress.Parse(address)));

    [Fact]
    public void A_scoped_link_local_address_is_still_link_local() =>
        Assert.Equal(AddressClass.LinkLocal, AddressClassifier.Classify(IPAddress.Parse("fe80::1%2")));

    [Theory]
    [InlineData("10.0.0.1")]
    [InlineData("127.0.0.1")]
    [InlineData("169.254.169.254")]
    [InlineData("::1")]
    [InlineData("::ffff:10.0.0.1")]
    public void Every_non_public_class_is_refused_by_default(string address)
    {
        var reason = new OutboundAddressPolicy([]).Refusal(IPAddress.Parse(address));
        Assert.NotNull(reason);
        Assert.Contains("AllowedSubnets", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_allow_listed_subnet_is_accepted_and_nothing_more()
    {
        var policy = new OutboundAddressPolicy(["10.1.0.0/16", "fd00::/8", "192.168.5.7"]);
        Assert.Null(policy.Refusal(IPAddress.Parse("10.1.2.3")));
        Assert.Null(policy.Refusal(IPAddress.Parse("fd00::5")));
        Assert.Null(policy.Refusal(IPAddress.Parse("192.168.5.7")));
        Assert.NotNull(policy.Refusal(IPAddress.Parse("10.2.0.1")));
        Assert.NotNull(policy.Refusal(IPAddress.Parse("192.168.5.8")));
        Assert.Null(policy.Refusal(IPAddress.Parse("8.8.8.8")));
    }

    [Fact]
    public void A_malformed_allow_list_entry_is_a_configuration_error() =>
        Assert.Throws<FormatException>(() => new OutboundAddressPolicy(["not-a-subnet"]));
}
