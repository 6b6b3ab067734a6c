using System.Globalization;

namespace Herald.Cli.Commands;

/// <summary>Reads a time option: an RFC 3339 date-time, or an age such as <c>30m</c>, <c>2h</c>, <c>1d</c>.</summary>
internal static class TimeArg
{
    public static DateTimeOffset Parse(string value, string option, TimeProvider time)
    {
        if (value.Length > 1 && double.TryParse(value[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out double n) && n >= 0)
        {
            TimeSpan? age = value[^1] switch
            {
                's' => TimeSpan.FromSeconds(n),
                'm' => TimeSpan.FromMinutes(n),
                'h' => TimeSpan.FromHours(n),
                'd' => TimeSpan.FromDays(n),
                _ => null,
            };
            if (age is { } a)
            {
                return time.GetUtcNow() - a;
            }
        }
        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : throw new CliException($"--{option} must be a date-time (2025-01-31T12:00:00Z) or an age (30m, 2h, 1d).", CliException.Usage);
    }

    public static string Format(DateTimeOffset value) => value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
