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
}
