using System.Text.RegularExpressions;
using Herald.Receiver.DependencyInjection;
using Herald.Signing;
using Microsoft.Extensions.Options;

namespace Herald.Receiver;

/// <summary>
/// Checks what data annotations cannot: at least one key, keys that parse (and no whsk_ secret key), nested settings,
/// a safe table name, and no key left over from an older version. Messages name the receiver's own configuration keys.
/// </summary>
internal sealed partial class HeraldReceiverOptionsValidator(IEnumerable<ReceiverConfiguration> sections) : IValidateOptions<HeraldReceiverOptions>
{
    public ValidateOptionsResult Validate(string? name, HeraldReceiverOptions options)
    {
        name ??= Options.DefaultName;
        var section = sections.LastOrDefault(s => s.Name == name);
        var errors = new List<string>();
        if (section?.Configuration[ReceiverConfiguration.RemovedProviderKey] is { } provider)
        {
            errors.Add($"{section.Prefix}{ReceiverConfiguration.RemovedProviderKey} ('{provider}') is no longer read (removed in Herald.Receiver 0.2): "
                + "choose the inbox in code with .UseSqliteInbox() (package Herald.Receiver.Sqlite) or .UsePostgresInbox() "
                + "(package Herald.Receiver.Postgres) on what AddHeraldReceiver returns, and remove the key.");
        }
        if (options.Secrets.Count == 0)
        {
            string key = section is null ? $"{nameof(HeraldReceiverOptions)}.{nameof(HeraldReceiverOptions.Secrets)}" : section.Prefix + "Secrets";
            errors.Add($"At least one webhook secret or public key is required{ReceiverNames.Describe(name)} ({key}: whsec_… or whpk_…).");
        }
        for (int i = 0; i < options.Secrets.Count; i++)
        {
            if (CheckKey(options.Secrets[i]) is { } problem)
            {
                // Name the position only: the value may be a secret.
                errors.Add($"Secrets[{i}] {problem}");
            }
        }
        if (options.Inbox.ConnectionString is { } connectionString && string.IsNullOrWhiteSpace(connectionString))
        {
            errors.Add("Inbox:ConnectionString is empty; leave it out for the default or set a connection string.");
        }
        if (!IsTableName(options.Inbox.TableName))
        {
            errors.Add("Inbox:TableName must be a plain identifier (letters, digits, underscores).");
        }
        var h = options.Handlers;
        if (h.MaxAttempts < 1)
        {
            errors.Add("Handlers:MaxAttempts must be at least 1.");
        }
        if (h.MaxConcurrency < 1)
        {
            errors.Add("Handlers:MaxConcurrency must be at least 1.");
        }
        if (h.InitialRetryDelay < TimeSpan.Zero || h.MaxRetryDelay < h.InitialRetryDelay)
        {
            errors.Add("Handlers:InitialRetryDelay must be non-negative and not above Handlers:MaxRetryDelay.");
        }
        if (h.Lease <= TimeSpan.Zero || h.PollInterval <= TimeSpan.Zero)
        {
            errors.Add("Handlers:Lease and Handlers:PollInterval must be positive.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>What is wrong with one configured key, or null when it is a <c>whsec_</c> secret or a <c>whpk_</c> public key.</summary>
    private static string? CheckKey(string? key)
    {
        if (key is not null && key.StartsWith(WebhookKeyPair.Prefix, StringComparison.Ordinal))
        {
            // Whoever holds the secret key can sign; the point of v1a is that a receiver never has it.
            return "is a whsk_ ed25519 secret key, which only the sender may hold: configure its whpk_ public key instead "
                + "(Herald's GET /api/v1/app/{app}/endpoint/{endpoint}/secret returns it), and keep the whsk_ key out of this configuration.";
        }
        if (key is not null && key.StartsWith(WebhookPublicKey.Prefix, StringComparison.Ordinal))
        {
            return WebhookPublicKey.TryParse(key, out _)
                ? null
                : "is not a valid whpk_ public key (expected whpk_ followed by the base64 of a 32-byte ed25519 public key).";
        }
        return WebhookSecret.TryParse(key, out _)
            ? null
            : "is empty or not a valid key (expected a whsec_ secret followed by base64, or a whpk_ ed25519 public key).";
    }

    /// <summary>A plain SQL identifier, safe to put into statements as is.</summary>
    public static bool IsTableName(string? name) => name is not null && TableName().IsMatch(name);

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    private static partial Regex TableName();
}
