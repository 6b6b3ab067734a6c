using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Herald.Server.Health;

/// <summary>The <c>Herald:Health</c> configuration section.</summary>
public sealed class HealthOptions
{
    /// <summary>SQLite: readiness fails when the disk holding the database has less free space than this (64 MiB by default).</summary>
    [Range(0, long.MaxValue, ErrorMessage = "{0} must not be negative.")]
    public long MinFreeDiskBytes { get; set; } = 64L * 1024 * 1024;
}

[OptionsValidator]
internal sealed partial class HealthOptionsValidator : IValidateOptions<HealthOptions>;
