using Herald.Server.Tests.Infrastructure;
using Herald.Testing;

namespace Herald.Server.Tests.Hosting;

/// <summary>The server process itself, started as an operator starts it, with a setting it cannot run with.</summary>
public sealed class StartupFailureProcessTests
{
    [Fact]
    public async Task A_bad_setting_exits_the_process_with_1_and_says_which_key_and_why_on_stderr()
    {
        using var dir = new TempDirectory();
        var (exit, _, error) = await ServerProcess.RunToExitAsync(new Dictionary<string, string>
        {
            ["Herald__Storage__ConnectionString"] = "Data Source=" + dir.File("herald.db"),
            ["Herald__Delivery__RequestTimeout"] = "00:00:30",
            ["Herald__Delivery__Lease"] = "00:00:20",
            ["Herald__Delivery__AllowedSubnets__0"] = "10.0.0.0/33",
        }, TimeSpan.FromSeconds(60));

        Assert.Equal(1, exit);
        Assert.Contains("Herald cannot start: the configuration is not valid.", error, StringComparison.Ordinal);
        Assert.Contains("Herald:Delivery:Lease (00:00:20) must be longer than Herald:Delivery:RequestTimeout (00:00:30)", error, StringComparison.Ordinal);
        Assert.Contains("Herald:Delivery:AllowedSubnets:0 ('10.0.0.0/33') is not a subnet in CIDR form", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_storage_provider_exits_the_process_with_1_and_names_the_choices()
    {
        using var dir = new TempDirectory();
        var (exit, _, error) = await ServerProcess.RunToExitAsync(new Dictionary<string, string>
        {
            ["Herald__Storage__ConnectionString"] = "Data Source=" + dir.File("herald.db"),
            ["Herald__Storage__Provider"] = "mysql",
        }, TimeSpan.FromSeconds(60));

        Assert.Equal(1, exit);
        Assert.Contains("'Herald:Storage:Provider'", error, StringComparison.Ordinal);
        Assert.Contains("'mysql' is not one of: sqlite, postgres, postgresql.", error, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("herald.db")), "no database is created for a configuration that is refused");
    }
}
