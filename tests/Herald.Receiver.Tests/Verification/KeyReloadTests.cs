using System.Net;
using System.Text;
using Herald.Receiver.Testing;
using Herald.Receiver.Tests.Support;
using Herald.Signing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Herald.Receiver.Tests.Verification;

/// <summary>Keys changed in configuration while the app runs, as in a rotation from a whsec_ secret to ed25519.</summary>
public sealed class KeyReloadTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_public_key_added_while_running_is_accepted_and_a_whsk_key_put_in_its_place_is_not_taken()
    {
        string oldSecret = WebhookSecret.Generate();
        var pair = WebhookKeyPair.Parse(WebhookKeyPair.Generate());
        await using var app = await ReceiverApp.StartAsync(ReceiverApp.Settings(_dir.SqliteConnectionString(), oldSecret));
        var configuration = (IConfigurationRoot)app.Services.GetRequiredService<IConfiguration>();

        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(app, pair.Export(), "msg_before"));

        configuration["Herald:Receiver:Secrets:1"] = pair.PublicKey.ToString();
        configuration.Reload();
        Assert.Equal(HttpStatusCode.OK, await PostAsync(app, pair.Export(), "msg_after"));
        Assert.Equal(HttpStatusCode.OK, await PostAsync(app, oldSecret, "msg_old_still"));

        // A secret key where the public key was: refused by validation, so the keys in force stay as they were.
        configuration["Herald:Receiver:Secrets:1"] = pair.Export();
        Assert.ThrowsAny<Exception>(configuration.Reload);
        Assert.Equal(HttpStatusCode.OK, await PostAsync(app, pair.Export(), "msg_kept"));
        Assert.Equal(HttpStatusCode.OK, await PostAsync(app, oldSecret, "msg_old_kept"));
        var rejected = Assert.Single(app.Logs.Lines, l => l.EventId.Id == 1006);
        Assert.Contains("Secrets[1] is a whsk_ ed25519 secret key", rejected.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(pair.Export()["whsk_".Length..], string.Concat(app.Logs.Lines.Select(l => l.Message)), StringComparison.Ordinal);

        // The processor kept running on the settings in force: every accepted message is handled (no handler: settled).
        await Eventually.UntilAsync(
            async () => (await app.Inbox.ListAsync(null, 10, CancellationToken.None)) is { Count: 4 } all && all.All(e => e.Status == InboxStatus.Processed),
            "the four accepted messages to be settled");
    }

    private static async Task<HttpStatusCode> PostAsync(ReceiverApp app, string key, string id)
    {
        using var response = await app.PostAsync(SignedWebhook.Create([key], Encoding.UTF8.GetBytes("{\"type\":\"t\"}"), id));
        return response.StatusCode;
    }
}
