using System.Net;

namespace Herald.Delivery.Ssrf;

/// <summary>Decides whether Herald may connect to an address: public addresses, or any address in an operator's allow-list.</summary>
public sealed class OutboundAddressPolicy
{
    private readonly IPNetwork[] _allowed;

    public OutboundAddressPolicy(IEnumerable<string> allowedSubnets)
    {
        _allowed = allowedSubnets.Where(s => !string.IsNullOrWhiteSpace(s)).Select(ParseSubnet).ToArray();
    }

    public IReadOnlyList<IPNetwork> AllowedSubnets => _allowed;

    /// <summary>Null when the address may be used; otherwise why not.</summary>
    public string? Refusal(IPAddress address)
    {
        var normalized = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && address.ScopeId != 0
            ? new IPAddress(address.GetAddressBytes())
            : address;
        foreach (var subnet in _allowed)
        {
            if (subnet.Contains(normalized))
            {
                return null;
            }
        }
        var cls = AddressClassifier.Classify(normalized);
        return cls == AddressClass.Public ? null : $"address {normalized} is {Describe(cls)} and not in Herald:Delivery:AllowedSubnets";
    }

    private static IPNetwork ParseSubnet(string text) => TryParseSubnet(text, out var network)
        ? network
        : throw new FormatException($"'{text.Trim()}' in Herald:Delivery:AllowedSubnets is not a subnet in CIDR form (e.g. 10.0.0.0/8).");

    /// <summary>A subnet in CIDR form, or a single address (a /32 or /128).</summary>
    public static bool TryParseSubnet(string text, out IPNetwork network)
    {
        text = text.Trim();
        if (IPNetwork.TryParse(text, out network))
        {
            return true;
        }
        if (IPAddress.TryParse(text, out var single))
        {
            network = new IPNetwork(single, single.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }
        return false;
    }

    private static string Describe(AddressClass cls) => cls switch
    {
        AddressClass.Unspecified => "an unspecified address",
        AddressClass.Loopback => "a loopback address",
        AddressClass.Private => "a private-network address",
        AddressClass.LinkLocal => "a link-local address",
        AddressClass.SharedCgnat => "a carrier-grade NAT address",
        AddressClass.Multicast => "a multicast address",
        AddressClass.Broadcast => "the broadcast address",
        AddressClass.Documentation => "a documentation address",
        AddressClass.UniqueLocal => "a unique-local IPv6 address",
        AddressClass.Ipv4Mapped => "an IPv4-mapped IPv6 address",
        AddressClass.Ipv4Compatible => "an IPv4-compatible IPv6 address",
        AddressClass.Nat64 => "a NAT64 address",
        AddressClass.SixToFour => "a 6to4 address",
        AddressClass.Teredo => "a Teredo address",
        _ => "a reserved address",
    };
}
