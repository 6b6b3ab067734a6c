using System.Text.Json.Nodes;
using Herald.Cli.Tests.Infrastructure;

namespace Herald.Cli.Tests.Commands;

public sealed class LoginTests
{
    [Fact]
    public async Task Login_WritesOwnerOnlyConfig_AndLaterCommandsUseIt()
    {
        await using var server = await CliServer.StartAsync();
        using var cli = new CliRunner();

        var login = await cli.RunAsync("login", "--url", server.Url, "--token", CliServer.Token);

        Assert.True(login.ExitCode == 0, login.ToString());
        var config = JsonNode.Parse(File.ReadAllText(cli.ConfigPath))!;
        Assert.Equal(server.Url, config["url"]!.GetValue<string>());
        Assert.Equal(CliServer.Token, config["token"]!.GetValue<string>());
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(cli.ConfigPath));
        }

        var created = await cli.RunAsync("app", "create", "--name", "From config", "--json");
        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Equal("From config", created.Json["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Login_WithWrongToken_FailsAndWritesNothing()
    {
        await using var server = await CliServer.StartAsync();
        using var cli = new CliRunner();

        var login = await cli.RunAsync("login", "--url", server.Url, "--token", "wrong");

        Assert.Equal(1, login.ExitCode);
        Assert.Contains("401", login.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(cli.ConfigPath));
    }

    [Fact]
    public async Task Flags_BeatEnvironment_WhichBeatsConfig()
    {
        await using var server = await CliServer.StartAsync();
        using var cli = new CliRunner();
        Assert.Equal(0, (await cli.RunAsync("login", "--url", server.Url, "--token", CliServer.Token)).ExitCode);

        cli.Env["HERALD_TOKEN"] = "env-token-is-wrong";
        var fromEnv = await cli.RunAsync("app", "list");
        Assert.Equal(1, fromEnv.ExitCode);
        Assert.Contains("A valid bearer token is required", fromEnv.Error, StringComparison.Ordinal);

        var fromFlag = await cli.RunAsync("app", "list", "--token", CliServer.Token);
        Assert.True(fromFlag.ExitCode == 0, fromFlag.ToString());
    }

    [Fact]
    public async Task BadToken_ShowsProblemDetail_AndExitsNonZero()
    {
        await using var server = await CliServer.StartAsync();
        using var cli = new CliRunner();

        var result = await cli.RunAsync("app", "list", "--url", server.Url, "--token", "not-the-token");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("401 Unauthorized: A valid bearer token is required", result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public async Task NoUrlAnywhere_SaysHowToConfigure()
    {
        using var cli = new CliRunner();

        var result = await cli.RunAsync("app", "list");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("herald login", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownCommand_IsAUsageError()
    {
        using var cli = new CliRunner();

        var result = await cli.RunAsync("frobnicate");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Unknown command 'frobnicate'", result.Error, StringComparison.Ordinal);
    }
}
