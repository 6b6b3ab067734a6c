using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Herald.Cli.Tests.Infrastructure;
using Herald.Signing;
using Herald.Testing;

namespace Herald.Cli.Tests.Listen;

public sealed partial class ListenTests
{
    [Fact]
    public async Task Listen_ForwardsAMessageSentThroughTheApi_SignedWithThePrintedSecret()
    {
        await using var server = await CliServer.StartAsync();
        await using var receiver = await TestReceiver.StartAsync();
        using var cli = Connected(server);
        Assert.Equal(0, (await cli.RunAsync("app", "create", "--name", "Shop", "--uid", "shop")).ExitCode);
        using var stop = new CancellationTokenSource();

        var listen = cli.Start(["listen", "--app", "shop", "--forward-to", receiver.Url("/webhooks")], stop.Token);
        await Eventually.WaitAsync(() => listen.Out.ToString().Contains("Connected", StringComparison.Ordinal), what: "listen to connect");
        string secret = SecretLine().Match(listen.Out.ToString()).Groups[1].Value;
        string msgId = await SendAsync(server, "order.paid", new JsonObject { ["order"] = 7, ["note"] = "café" });

        await receiver.WaitForAsync(1);
        var request = receiver.Received[0];
        Assert.Equal("/webhooks", request.Path);
        Assert.Equal(msgId, request.Header("webhook-id"));
        Assert.Equal(VerificationFailure.None, new WebhookVerifier(secret).Verify(
            request.Header("webhook-id"), request.Header("webhook-timestamp"), request.Header("webhook-signature"), request.Body));
        var body = JsonNode.Parse(request.BodyText)!;
        Assert.Equal(7, body["order"]!.GetValue<int>());
        Assert.Equal("café", body["note"]!.GetValue<string>());
        await Eventually.WaitAsync(() => listen.Out.ToString().Contains($"{msgId}  order.paid  200", StringComparison.Ordinal), what: "the delivery line");

        stop.Cancel();
        var result = await listen.Completion;
        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain(CliServer.Token, result.Out + result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listen_UsesTheGivenSecret_AndShowsTheLocalStatusCode()
    {
        await using var server = await CliServer.StartAsync();
        await using var receiver = await TestReceiver.StartAsync();
        receiver.Respond = (http, _) =>
        {
            http.Response.StatusCode = 500;
            return Task.CompletedTask;
        };
        using var cli = Connected(server);
        Assert.Equal(0, (await cli.RunAsync("app", "create", "--name", "Shop", "--uid", "shop")).ExitCode);
        string secret = WebhookSecret.Generate();
        using var stop = new CancellationTokenSource();

        var listen = cli.Start(["listen", "--app", "shop", "--forward-to", receiver.Url(), "--secret", secret], stop.Token);
        await Eventually.WaitAsync(() => listen.Out.ToString().Contains("Connected", StringComparison.Ordinal), what: "listen to connect");
        string msgId = await SendAsync(server, "user.created", new JsonObject { ["id"] = 1 });

        await Eventually.WaitAsync(() => listen.Out.ToString().Contains($"{msgId}  user.created  500", StringComparison.Ordinal), what: "the failed delivery line");
        var request = receiver.Received.Single();
        Assert.Equal(VerificationFailure.None, new WebhookVerifier(secret).Verify(
            request.Header("webhook-id"), request.Header("webhook-timestamp"), request.Header("webhook-signature"), request.Body));
        stop.Cancel();
        Assert.Equal(0, (await listen.Completion).ExitCode);
    }

    [Fact]
    public async Task Listen_WithKeyTypeEd25519_SignsV1a_AndPrintsOnlyThePublicKey()
    {
        await using var server = await CliServer.StartAsync();
        await using var receiver = await TestReceiver.StartAsync();
        using var cli = Connected(server);
        Assert.Equal(0, (await cli.RunAsync("app", "create", "--name", "Shop", "--uid", "shop")).ExitCode);
        using var stop = new CancellationTokenSource();

        var listen = cli.Start(["listen", "--app", "shop", "--forward-to", receiver.Url(), "--key-type", "ed25519"], stop.Token);
        await Eventually.WaitAsync(() => listen.Out.ToString().Contains("Connected", StringComparison.Ordinal), what: "listen to connect");
        string publicKey = PublicKeyLine().Match(listen.Out.ToString()).Groups[1].Value;
        Assert.StartsWith("whpk_", publicKey, StringComparison.Ordinal);
        string msgId = await SendAsync(server, "order.paid", new JsonObject { ["order"] = 7 });

        await receiver.WaitForAsync(1);
        var request = receiver.Received.Single();
        Assert.StartsWith("v1a,", request.Header("webhook-signature"), StringComparison.Ordinal);
        Assert.Equal(VerificationFailure.None, new WebhookVerifier(publicKey).Verify(
            request.Header("webhook-id"), request.Header("webhook-timestamp"), request.Header("webhook-signature"), request.Body));
        await Eventually.WaitAsync(() => listen.Out.ToString().Contains($"{msgId}  order.paid  200", StringComparison.Ordinal), what: "the delivery line");
        stop.Cancel();
        var result = await listen.Completion;
        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain("whsk_", result.Out + result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listen_WithAGivenWhskKeyPair_SignsWithIt()
    {
        await using var server = await CliServer.StartAsync();
        await using var receiver = await TestReceiver.StartAsync();
        using var cli = Connected(server);
        Assert.Equal(0, (await cli.RunAsync("app", "create", "--name", "Shop", "--uid", "shop")).ExitCode);
        var pair = WebhookKeyPair.Parse(WebhookKeyPair.Generate());
        using var stop = new CancellationTokenSource();

        var listen = cli.Start(["listen", "--app", "shop", "--forward-to", receiver.Url(), "--secret", pair.Export()], stop.Token);
        await Eventually.WaitAsync(() => listen.Out.ToString().Contains("Connected", StringComparison.Ordinal), what: "listen to connect");
        Assert.Equal(pair.PublicKey.ToString(), PublicKeyLine().Match(listen.Out.ToString()).Groups[1].Value);
        await SendAsync(server, "order.paid", new JsonObject { ["order"] = 8 });

        await receiver.WaitForAsync(1);
        var request = receiver.Received.Single();
        Assert.Equal(VerificationFailure.None, new WebhookVerifier(pair.PublicKey.ToString()).Verify(
            request.Header("webhook-id"), request.Header("webhook-timestamp"), request.Header("webhook-signature"), request.Body));
        stop.Cancel();
        Assert.Equal(0, (await listen.Completion).ExitCode);
    }

    [Theory]
    [InlineData("--secret", "whpk_", "can only verify")]
    [InlineData("--secret", "whsk_AAAA", "--secret must be a whsec_ secret")]
    [InlineData("--key-type", "rsa", "--key-type must be hmac-sha256 or ed25519")]
    public async Task Listen_WithAKeyItCannotSignWith_IsAUsageError(string option, string value, string expected)
    {
        using var cli = new CliRunner();
        if (value == "whpk_")
        {
            value = WebhookKeyPair.Parse(WebhookKeyPair.Generate()).PublicKey.ToString();
        }

        var result = await cli.Start(["listen", "--app", "shop", "--forward-to", "http://127.0.0.1:9/x", "--url", "http://127.0.0.1:9", "--token", "t", option, value], CancellationToken.None)
            .Completion.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listen_WithAKeyTypeThatContradictsTheSecret_IsAUsageError()
    {
        using var cli = new CliRunner();

        var result = await cli.Start(["listen", "--app", "shop", "--forward-to", "http://127.0.0.1:9/x", "--url", "http://127.0.0.1:9", "--token", "t",
            "--secret", WebhookSecret.Generate(), "--key-type", "ed25519"], CancellationToken.None).Completion.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("does not match the kind of --secret", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listen_WithABadToken_StopsWithTheProblemInsteadOfRetrying()
    {
        await using var server = await CliServer.StartAsync();
        using var cli = new CliRunner();

        var result = await cli.Start(["listen", "--app", "shop", "--forward-to", "http://127.0.0.1:9/x", "--url", server.Url, "--token", "bad"], CancellationToken.None)
            .Completion.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("401 Unauthorized: A valid bearer token is required", result.Error, StringComparison.Ordinal);
    }

    private static CliRunner Connected(CliServer server)
    {
        var cli = new CliRunner();
        cli.Env["HERALD_URL"] = server.Url;
        cli.Env["HERALD_TOKEN"] = CliServer.Token;
        return cli;
    }

    private static async Task<string> SendAsync(CliServer server, string type, JsonObject payload)
    {
        using var response = await server.Client.PostAsJsonAsync("/api/v1/app/shop/msg", new JsonObject { ["eventType"] = type, ["payload"] = payload });
        Assert.Equal(202, (int)response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonNode>())!["id"]!.GetValue<string>();
    }

    [GeneratedRegex(@"Signing secret: (whsec_\S+)")]
    private static partial Regex SecretLine();

    [GeneratedRegex(@"Public key \(v1a; configure your app with it\): (whpk_\S+)")]
    private static partial Regex PublicKeyLine();
}
