using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Herald.Server.Tests.Api;
using Herald.Server.Tests.Infrastructure;
using Herald.Testing;
using Xunit.Abstractions;

namespace Herald.Server.Tests.Readme;

/// <summary>
/// The README's tour works as written: Herald started with the README's command and settings, then
/// scripts/tour.sh (which the README shows verbatim) run with bash, with its own real receiver.
/// </summary>
public sealed partial class ReadmeTourTests(ITestOutputHelper output)
{
    private const string Token = "tour-token";
    private static readonly string Root = SvixSdkCompatibilityTests.RepositoryRoot();

    [Fact]
    public void Readme_shows_the_tour_script_verbatim()
    {
        string readme = File.ReadAllText(Path.Combine(Root, "README.md")).ReplaceLineEndings("\n");
        string script = File.ReadAllText(Path.Combine(Root, "scripts", "tour.sh")).ReplaceLineEndings("\n");

        var block = EmbeddedTour().Match(readme);

        Assert.True(block.Success, "README.md has no ```bash block between <!-- tour:begin … --> and <!-- tour:end -->.");
        Assert.Equal(script, block.Groups["script"].Value);
    }

    [Fact]
    public async Task The_tour_delivers_the_first_message_and_the_one_resent_after_the_outage()
    {
        using var folder = new TempDirectory();
        int port = ServerProcess.FreePort();
        int receiverPort = ServerProcess.FreePort();
        await using var herald = await ServerProcess.StartWithDotnetRunAsync(Root, folder.Path, port, new Dictionary<string, string>
        {
            ["Herald__AdminToken"] = Token,
            ["Herald__Delivery__AllowedSubnets__0"] = "127.0.0.0/8",
        });
        // The README says the database is created where the command was run.
        Assert.True(File.Exists(folder.File("herald.db")), "herald.db was not created in the folder `dotnet run` was typed in");

        var (exit, text) = await RunTourAsync(herald.BaseUrl, receiverPort, folder.Path);
        output.WriteLine(text);
        Assert.Equal(0, exit);

        var messages = MessageLine().Matches(text).Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(2, messages.Count);
        // The receiver the script ran printed both deliveries, with Herald's message id as webhook-id.
        foreach (string id in messages)
        {
            Assert.Contains($"receiver got {{'webhook-id': '{id}'", text, StringComparison.Ordinal);
        }

        using var api = new HttpClient { BaseAddress = new Uri(herald.BaseUrl + "/api/v1/") };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        var first = await AttemptsAsync(api, messages[0]);
        Assert.Equal(["success"], first.Select(a => (string)a["statusText"]!));
        var second = await AttemptsAsync(api, messages[1]);
        Assert.True(second.Count >= 3, $"expected two failed attempts and a success, got {second.Count}");
        Assert.Equal("fail", (string)second[0]["statusText"]!);
        Assert.Equal("fail", (string)second[1]["statusText"]!);
        Assert.Equal("success", (string)second[^1]["statusText"]!);
        Assert.Equal(1, (int)second[^1]["triggerType"]!); // the resend (manual), not the next scheduled retry

        // The script stopped its receiver again.
        Assert.False(await IsListeningAsync(receiverPort), $"the tour's receiver still listens on {receiverPort}");
    }

    private static async Task<List<JsonNode>> AttemptsAsync(HttpClient api, string messageId)
    {
        using var response = await api.GetAsync($"app/shop/attempt/msg/{messageId}");
        response.EnsureSuccessStatusCode();
        var data = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]!.AsArray();
        return data.Select(a => a!).Reverse().ToList(); // oldest first
    }

    private static async Task<(int Exit, string Output)> RunTourAsync(string heraldUrl, int receiverPort, string workingDirectory)
    {
        var info = new ProcessStartInfo("bash")
        {
            ArgumentList = { Path.Combine(Root, "scripts", "tour.sh") },
            WorkingDirectory = workingDirectory,
            Environment = { ["HERALD_URL"] = heraldUrl, ["RECEIVER_PORT"] = receiverPort.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        };
        var (exit, output, timedOut) = await ChildProcess.RunAsync(info, TimeSpan.FromMinutes(3));
        Assert.False(timedOut, $"scripts/tour.sh did not finish within 3 minutes:\n{output}");
        return (exit, output);
    }

    private static async Task<bool> IsListeningAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"<!-- tour:begin[^\n]*-->\n```bash\n(?<script>.*?)```\n<!-- tour:end -->", RegexOptions.Singleline)]
    private static partial Regex EmbeddedTour();

    [GeneratedRegex(@"^message: (msg_[A-Za-z0-9]+)$", RegexOptions.Multiline)]
    private static partial Regex MessageLine();
}
