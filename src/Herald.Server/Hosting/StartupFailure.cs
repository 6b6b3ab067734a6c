using Microsoft.Extensions.Options;

namespace Herald.Server.Hosting;

/// <summary>
/// A configuration the server cannot run with: options that fail validation, or a value the configuration binder
/// cannot convert. Described for the operator in a few lines (keys and reasons) instead of a stack trace.
/// </summary>
public static class StartupFailure
{
    /// <summary>The reasons, one a line, when <paramref name="exception"/> is a configuration failure; otherwise null.</summary>
    public static IReadOnlyList<string>? Reasons(Exception exception)
    {
        var reasons = new List<string>();
        foreach (var ex in exception is AggregateException all ? all.Flatten().InnerExceptions : [exception])
        {
            switch (ex)
            {
                case OptionsValidationException invalid:
                    reasons.AddRange(invalid.Failures);
                    break;
                // The binder names the key ("Failed to convert configuration value at 'Herald:Roles' to type …"),
                // the converter the reason.
                case InvalidOperationException { InnerException: { } inner } binding
                    when binding.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal):
                    reasons.Add($"{binding.Message} {inner.Message}");
                    break;
                default:
                    return null;
            }
        }
        return reasons.Count > 0 ? reasons : null;
    }

    /// <summary>
    /// Builds and runs the server; a configuration failure (when building, some options are read, or when starting,
    /// where the rest are validated) is written to <paramref name="error"/> and the exit code is 1.
    /// </summary>
    public static async Task<int> RunAsync(Func<WebApplication> build, TextWriter error)
    {
        try
        {
            await build().RunAsync();
            return 0;
        }
        catch (Exception ex) when (Reasons(ex) is { } reasons)
        {
            await error.WriteLineAsync("Herald cannot start: the configuration is not valid.");
            foreach (var reason in reasons)
            {
                await error.WriteLineAsync("  " + reason);
            }
            return 1;
        }
    }
}
