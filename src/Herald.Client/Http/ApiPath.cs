using System.Runtime.CompilerServices;

namespace Herald.Client.Http;

/// <summary>API paths; every id is escaped, as ids and uids are the caller's strings.</summary>
internal static class ApiPath
{
    public const string Root = "api/v1/";

    public static string Id(string value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(value, name);
        return Uri.EscapeDataString(value);
    }
}
