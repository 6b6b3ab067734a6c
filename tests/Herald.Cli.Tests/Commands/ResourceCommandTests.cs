using Herald.Cli.Tests.Infrastructure;
using Herald.Testing;

namespace Herald.Cli.Tests.Commands;

public sealed class ResourceCommandTests
{
    [Fact]
    public async Task AppEndpointSendListAttemptResend_WorkAgainstARealServer()
    {
        await using var server = await CliServer.StartAsync();
        await using var receiver = await TestReceiver.StartAsync();
        using var cli = new CliRunner();
        cli.Env["HERALD_URL"] = server.Url;
        cli.Env["HERALD_TOKEN"] = CliServer.Token;

        Ok(await cli.RunAsync("app", "create", "--name", "Shop", "--uid", "shop"));
        var apps = Ok(await cli.RunAsync("app", "list"));
        Assert.Contains("Shop", apps.Out, StringComparison.Ordinal);
        Assert.Contains("shop", Ok(await cli.RunAsync("app", "get", "shop")).Out, StringComparison.Ordinal);

        Ok(await cli.RunAsync("event-type", "create", "--name", "order.paid", "--description", "An order was paid"));
        Assert.Contains("order.paid", Ok(await cli.RunAsync("event-type", "list")).Out, StringComparison.Ordinal);

        var endpoint = Ok(await cli.RunAsync("endpoint", "create", "--app", "shop", "--endpoint-url", receiver.Url(), "--uid", "main", "--json"));
        string endpointId = endpoint.Json["id"]!.GetValue<string>();
        Assert.Contains(receiver.Url(), Ok(await cli.RunAsync("endpoint", "list", "--app", "shop")).Out, StringComparison.Ordinal);
        string secret = Ok(await cli.RunAsync("endpoint", "secret", "--app", "shop", "main")).Out.Trim();
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);

        var sent = Ok(await cli.RunAsync("send", "--app", "shop", "--type", "order.paid", "--data", """{"order":42}""", "--event-id", "evt-1", "--json"));
        string msgId = sent.Json["id"]!.GetValue<string>();
        await receiver.WaitForAsync(1);
        Assert.Equal(msgId, receiver.Received[0].Header("webhook-id"));
        Assert.Equal(Herald.Signing.VerificationFailure.None, new Herald.Signing.WebhookVerifier(secret).Verify(
            receiver.Received[0].Header("webhook-id"), receiver.Received[0].Header("webhook-timestamp"), receiver.Received[0].Header("webhook-signature"), receiver.Received[0].Body));

        var messages = Ok(await cli.RunAsync("message", "list", "--app", "shop", "--type", "order.paid"));
        Assert.Contains(msgId, messages.Out, StringComparison.Ordinal);
        Assert.Contains("42", Ok(await cli.RunAsync("message", "get", "--app", "shop", msgId)).Out, StringComparison.Ordinal);

        var attempts = await Eventually.WaitAsync(() => cli.RunAsync("attempt", "list", "--app", "shop", "--msg", msgId, "--json"),
            r => r.ExitCode == 0 && r.Json["data"]!.AsArray().Count == 1, what: "one recorded attempt");
        Assert.Equal(endpointId, attempts.Json["data"]![0]!["endpointId"]!.GetValue<string>());

        Ok(await cli.RunAsync("resend", "--app", "shop", "--msg", msgId, "--endpoint", "main"));
        await receiver.WaitForAsync(2);
        var bulk = Ok(await cli.RunAsync("resend", "--app", "shop", "--msg", msgId, "--all"));
        Assert.Contains("Resent to 1 of 1 endpoints", bulk.Out, StringComparison.Ordinal);
        await receiver.WaitForAsync(3);
        Assert.All(receiver.Received, r => Assert.Equal(msgId, r.Header("webhook-id")));

        var recover = Ok(await cli.RunAsync("recover", "--app", "shop", "--endpoint", "main", "--since", "1h"));
        Assert.Contains("Recovering", recover.Out, StringComparison.Ordinal);

        Ok(await cli.RunAsync("endpoint", "rotate", "--app", "shop", "main"));
        Assert.NotEqual(secret, Ok(await cli.RunAsync("endpoint", "secret", "--app", "shop", "main")).Out.Trim());
        Ok(await cli.RunAsync("endpoint", "delete", "--app", "shop", "main"));
        Ok(await cli.RunAsync("app", "delete", "shop"));
        var gone = await cli.RunAsync("app", "get", "shop");
        Assert.Equal(1, gone.ExitCode);
        Assert.Contains("404 Not Found: Application not found.", gone.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EndpointKeyType_CreatesAnEd25519Endpoint_WhoseSecretIsThePublicKey_AndRotatesBetweenKinds()
    {
        await using var server = await CliServer.StartAsync();
        using var cli = new CliRunner();
        cli.Env["HERALD_URL"] = server.Url;
        cli.Env["HERALD_TOKEN"] = CliServer.Token;
        Ok(await cli.RunAsync("app", "create", "--name", "Shop", "--uid", "shop"));

        Ok(await cli.RunAsync("endpoint", "create", "--app", "shop", "--endpoint-url", "https://example.com/hook", "--uid", "main", "--key-type", "ed25519"));
        string publicKey = Ok(await cli.RunAsync("endpoint", "secret", "--app", "shop", "main")).Out.Trim();
        Assert.StartsWith("whpk_", publicKey, StringComparison.Ordinal);
        Assert.True(Herald.Signing.WebhookPublicKey.TryParse(publicKey, out _), publicKey);

        Ok(await cli.RunAsync("endpoint", "rotate", "--app", "shop", "main", "--key-type", "hmac-sha256"));
        Assert.StartsWith("whsec_", Ok(await cli.RunAsync("endpoint", "secret", "--app", "shop", "main")).Out.Trim(), StringComparison.Ordinal);

        var bad = await cli.RunAsync("endpoint", "rotate", "--app", "shop", "main", "--key-type", "rsa");
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("body.keyType", bad.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidationErrors_ShowEachFieldAndExitNonZero()
    {
        await using var server = await CliServer.StartAsync();
        using var cli = new CliRunner();
        cli.Env["HERALD_URL"] = server.Url;
        cli.Env["HERALD_TOKEN"] = CliServer.Token;
        Ok(await cli.RunAsync("app", "create", "--name", "Shop", "--uid", "shop"));

        var bad = await cli.RunAsync("send", "--app", "shop", "--type", "not a name!", "--data", "{}");
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("422", bad.Error, StringComparison.Ordinal);
        Assert.Contains("body.eventType", bad.Error, StringComparison.Ordinal);

        var notJson = await cli.RunAsync("send", "--app", "shop", "--type", "a.b", "--data", "{oops");
        Assert.Equal(2, notJson.ExitCode);
        Assert.Contains("--data is not valid JSON", notJson.Error, StringComparison.Ordinal);
    }

    private static CliResult Ok(CliResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }
}
