using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Herald.Receiver;

/// <summary>How receivers are told apart: the unnamed one has <see cref="Options.DefaultName"/>, the others their name.</summary>
internal static class ReceiverNames
{
    private static readonly Func<ILogger, string, IDisposable?> Scope = LoggerMessage.DefineScope<string>("Herald receiver {HeraldReceiver}");

    /// <summary>A logging scope naming a named receiver, so that the logs of two senders' receivers can be told apart.</summary>
    public static IDisposable? BeginScope(ILogger logger, string name) => name.Length == 0 ? null : Scope(logger, name);

    /// <summary>" of receiver 'x'" for a named receiver, nothing for the unnamed one; for error messages.</summary>
    public static string Describe(string name) => name.Length == 0 ? "" : $" of receiver '{name}'";

    /// <summary><c>herald_inbox_{name}</c>, with anything but letters, digits and underscores made an underscore.</summary>
    public static string DefaultTableName(string name)
    {
        if (name.Length == 0)
        {
            return InboxOptions.DefaultTableName;
        }
        var table = new StringBuilder(InboxOptions.DefaultTableName).Append('_');
        foreach (char c in name.ToLower(CultureInfo.InvariantCulture))
        {
            table.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        }
        return table.ToString();
    }
}
