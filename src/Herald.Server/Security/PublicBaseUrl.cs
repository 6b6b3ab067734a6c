using System.Net;
using System.Net.Sockets;
using Herald.Server.Hosting;
using Herald.Server.Portal;
using Microsoft.Extensions.Options;

namespace Herald.Server.Security;

/// <summary>
/// The base of links Herald hands out (portal links): <c>Herald:PublicUrl</c> when configured, otherwise the
/// address the request actually arrived on. Never the request's <c>Host</c> header, which any caller can set.
/// </summary>
internal sealed class PublicBaseUrl(IOptions<HeraldOptions> herald, IOptions<PortalOptions> portal)
{
    public string For(HttpContext http)
    {
        string? configured = herald.Value.PublicUrl ?? portal.Value.PublicUrl;
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured.TrimEnd('/');
        }
        var local = http.Connection.LocalIpAddress ?? IPAddress.Loopback;
        if (local.IsIPv4MappedToIPv6)
        {
            local = local.MapToIPv4();
        }
        string host = local.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{local}]" : local.ToString();
        return $"{http.Request.Scheme}://{host}:{http.Connection.LocalPort}";
    }
}
