namespace Herald.Cli.Commands;

internal static class Verbs
{
    /// <summary>The sub-command word (second positional), checked against those the command knows.</summary>
    public static string Of(CliArgs args, params string[] known)
    {
        string command = args.Positional[0];
        if (args.Positional.Count < 2)
        {
            throw new CliException($"herald {command} needs one of: {string.Join(", ", known)}.", CliException.Usage);
        }
        string verb = args.Positional[1];
        return known.Contains(verb, StringComparer.Ordinal)
            ? verb
            : throw new CliException($"Unknown command 'herald {command} {verb}'; use one of: {string.Join(", ", known)}.", CliException.Usage);
    }
}
