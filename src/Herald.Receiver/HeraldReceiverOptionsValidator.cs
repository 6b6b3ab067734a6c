using System.Text.RegularExpressions;
using Herald.Signing;
using Microsoft.Extensions.Options;

namespace Herald.Receiver;

/// <summary>Checks what data annotations cannot: secrets that parse, nested settings, a safe table name.</summary>
internal sealed partial class HeraldReceiverOptionsValidator : IValidateOptions<HeraldReceiverOptions>
{
    public ValidateOptionsResult Validate(string? name, HeraldReceiverOptions options)
    {
        var errors = new List<string>();
        for (int i = 0; i < options.Secrets.Count; i++)
        {
            // Name the position only: the value is a secret.
            if (!WebhookSecret.TryParse(options.Secrets[i], out _))
            {
                errors.Add($"Secrets[{i}] is empty or not a valid secret (expected whsec_ followed by base64).");
            }
        }
        if (string.IsNullOrWhiteSpace(options.Inbox.ConnectionString))
        {
            errors.Add("Inbox:ConnectionString is required.");
        }
        if (!TableName().IsMatch(options.Inbox.TableName))
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

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    private static partial Regex TableName();
}
