namespace Herald.Server.Hosting;

/// <summary>
/// The name under which this node claims deliveries. A restarted node must find the same name to release what it
/// held, so without <c>Herald:NodeId</c> it is built from what stays the same across restarts and tells nodes
/// apart: the machine (container) name and the addresses the server listens on.
/// </summary>
internal static class NodeIdentity
{
    public static string Resolve(HeraldOptions options, IConfiguration configuration)
    {
        if (!string.IsNullOrWhiteSpace(options.NodeId))
        {
            return options.NodeId.Trim();
        }
        string listen = configuration["urls"] is { Length: > 0 } urls ? urls
            : configuration["http_ports"] is { Length: > 0 } ports ? "ports " + ports
            : HeraldServer.DefaultUrl;
        return $"{Environment.MachineName} {listen}";
    }
}
