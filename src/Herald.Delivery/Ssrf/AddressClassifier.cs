using System.Net;
using System.Net.Sockets;

namespace Herald.Delivery.Ssrf;

/// <summary>What kind of address an IP is, as far as outbound webhooks care.</summary>
public enum AddressClass
{
    Public,
    Unspecified,
    Loopback,
    Private,
    LinkLocal,
    SharedCgnat,
    Multicast,
    Broadcast,
    Reserved,
    Documentation,
    UniqueLocal,
    Ipv4Mapped,
    Ipv4Compatible,
    Nat64,
    SixToFour,
    Teredo,
}

/// <summary>Classifies IP addresses; everything but <see cref="AddressClass.Public"/> is refused unless allow-listed.</summary>
public static class AddressClassifier
{
    private static readonly (IPNetwork Network, AddressClass Class)[] Ranges =
    [
        (IPNetwork.Parse("0.0.0.0/8"), AddressClass.Unspecified),
        (IPNetwork.Parse("10.0.0.0/8"), AddressClass.Private),
        (IPNetwork.Parse("100.64.0.0/10"), AddressClass.SharedCgnat),
        (IPNetwork.Parse("127.0.0.0/8"), AddressClass.Loopback),
        (IPNetwork.Parse("169.254.0.0/16"), AddressClass.LinkLocal),
        (IPNetwork.Parse("172.16.0.0/12"), AddressClass.Private),
        (IPNetwork.Parse("192.0.0.0/24"), AddressClass.Reserved),
        (IPNetwork.Parse("192.0.2.0/24"), AddressClass.Documentation),
        (IPNetwork.Parse("192.88.99.0/24"), AddressClass.Reserved),
        (IPNetwork.Parse("192.168.0.0/16"), AddressClass.Private),
        (IPNetwork.Parse("198.18.0.0/15"), AddressClass.Reserved),
        (IPNetwork.Parse("198.51.100.0/24"), AddressClass.Documentation),
        (IPNetwork.Parse("203.0.113.0/24"), AddressClass.Documentation),
        (IPNetwork.Parse("224.0.0.0/4"), AddressClass.Multicast),
        (IPNetwork.Parse("255.255.255.255/32"), AddressClass.Broadcast),
        (IPNetwork.Parse("240.0.0.0/4"), AddressClass.Reserved),
        (IPNetwork.Parse("::/128"), AddressClass.Unspecified),
        (IPNetwork.Parse("::1/128"), AddressClass.Loopback),
        (IPNetwork.Parse("::ffff:0:0/96"), AddressClass.Ipv4Mapped),
        (IPNetwork.Parse("::/96"), AddressClass.Ipv4Compatible),
        (IPNetwork.Parse("64:ff9b::/96"), AddressClass.Nat64),
        (IPNetwork.Parse("64:ff9b:1::/48"), AddressClass.Nat64),
        (IPNetwork.Parse("100::/64"), AddressClass.Reserved),
        (IPNetwork.Parse("2001::/32"), AddressClass.Teredo),
        (IPNetwork.Parse("2001:db8::/32"), AddressClass.Documentation),
        (IPNetwork.Parse("2002::/16"), AddressClass.SixToFour),
        (IPNetwork.Parse("fc00::/7"), AddressClass.UniqueLocal),
        (IPNetwork.Parse("fe80::/10"), AddressClass.LinkLocal),
        (IPNetwork.Parse("fec0::/10"), AddressClass.Reserved),
        (IPNetwork.Parse("ff00::/8"), AddressClass.Multicast),
    ];

    public static AddressClass Classify(IPAddress address)
    {
        if (address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            return AddressClass.Reserved;
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0)
        {
            address = new IPAddress(address.GetAddressBytes());
        }
        if (address.IsIPv4MappedToIPv6)
        {
            // Checked first: IPNetwork.Contains matches a mapped address against IPv4 ranges, not ::ffff:0:0/96.
            return AddressClass.Ipv4Mapped;
        }
        foreach (var (network, cls) in Ranges)
        {
            if (network.Contains(address))
            {
                return cls;
            }
        }
        return AddressClass.Public;
    }
}
