namespace Herald.Cli;

/// <summary>Parsed arguments: positional words, <c>--name value</c> (or <c>--name=value</c>) options and bare flags.</summary>
internal sealed class CliArgs
{
    private static readonly HashSet<string> FlagNames = new(StringComparer.Ordinal) { "json", "all", "help" };
    private readonly Dictionary<string, string> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    public List<string> Positional { get; } = [];

    public static CliArgs Parse(IReadOnlyList<string> args)
    {
        var parsed = new CliArgs();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg is "-h")
            {
                parsed._flags.Add("help");
            }
            else if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Length > 2)
            {
                string name = arg[2..];
                int eq = name.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0)
                {
                    parsed._options[name[..eq]] = name[(eq + 1)..];
                }
                else if (FlagNames.Contains(name))
                {
                    parsed._flags.Add(name);
                }
                else if (i + 1 < args.Count)
                {
                    parsed._options[name] = args[++i];
                }
                else
                {
                    throw new CliException($"--{name} needs a value.", CliException.Usage);
                }
            }
            else
            {
                parsed.Positional.Add(arg);
            }
        }
        return parsed;
    }

    public string? Get(string name) => _options.TryGetValue(name, out var v) ? v : null;

    public string Require(string name) =>
        Get(name) is { Length: > 0 } v ? v : throw new CliException($"--{name} is required.", CliException.Usage);

    public bool Has(string flag) => _flags.Contains(flag);

    /// <summary>The id given as the n-th positional word (after the command words) or as <c>--id</c>.</summary>
    public string RequireId(int position, string what) =>
        Positional.Count > position ? Positional[position]
            : Get("id") ?? throw new CliException($"Which {what}? Give its id or uid.", CliException.Usage);
}
