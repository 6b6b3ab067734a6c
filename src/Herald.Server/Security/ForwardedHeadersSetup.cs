using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Herald.Server.Security;

/// <summary>
/// Honours <c>X-Forwarded-For</c>/<c>X-Forwarded-Proto</c> only from the configured proxies, so behind a TLS-terminating
/// proxy cookies keep <c>Secure</c> and the failed-authentication limit sees the client's address. Nothing is trusted
/// by default (not even loopback).
/// </summary>
internal static class ForwardedHeadersSetup
{
    public static IApplicationBuilder UseHeraldForwardedHeaders(this IApplicationBuilder app)
    {
        var security = app.ApplicationServices.GetRequiredService<IOptions<SecurityOptions>>().Value;
        if (security.KnownProxies.Count == 0 && security.KnownNetworks.Count == 0)
        {
            return app;
        }
        var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto };
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in security.KnownProxies)
        {
            options.KnownProxies.Add(IPAddress.Parse(proxy));
        }
        foreach (var network in security.KnownNetworks)
        {
            options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        }
        return app.UseForwardedHeaders(options);
    }

    /// <summary>Start-up validation: every configured proxy and network parses.</summary>
    public static IEnumerable<string> Problems(SecurityOptions options) =>
        options.KnownProxies.Where(p => !IPAddress.TryParse(p, out _)).Select(p => $"Herald:Security:KnownProxies: '{p}' is not an IP address.")
            .Concat(options.KnownNetworks.Where(n => !System.Net.IPNetwork.TryParse(n, out _)).Select(n => $"Herald:Security:KnownNetworks: '{n}' is not a CIDR network (e.g. 10.0.0.0/8)."));
}
