using System.ComponentModel;

namespace Herald.Server.Hosting;

/// <summary><c>Herald:Roles</c>: a comma-separated list, e.g. <c>api,dispatcher</c> (any case).</summary>
[Flags]
[TypeConverter(typeof(ConfigurationEnumConverter<NodeRoles>))]
public enum NodeRoles
{
    None = 0,

    /// <summary>The HTTP API, the dashboard and the portal. Every node serves them today.</summary>
    Api = 1,

    /// <summary>The delivery dispatcher: claims due deliveries and sends them.</summary>
    Dispatcher = 2,
}

/// <summary><c>Herald:Storage:Provider</c>.</summary>
[TypeConverter(typeof(ConfigurationEnumConverter<StorageProvider>))]
public enum StorageProvider
{
    Sqlite = 0,
    Postgres = 1,

    /// <summary>Another name for <see cref="Postgres"/>.</summary>
    PostgreSql = Postgres,
}
