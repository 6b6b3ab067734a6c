using System.ComponentModel.DataAnnotations;

namespace Herald.Server.Health;

/// <summary>The <c>Herald:Health</c> configuration section.</summary>
public sealed record HealthOptions
{
    /// <summary>SQLite: readiness fails when the disk holding the database has less free space than this (64 MiB by default).</summary>
    [Range(0, long.MaxValue)]
    public long MinFreeDiskBytes { get; init; } = 64L * 1024 * 1024;
}
