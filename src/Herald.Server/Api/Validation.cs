using System.Text.RegularExpressions;
using Herald.Server.Changes;
using Herald.Signing;

namespace Herald.Server.Api;

/// <summary>Collects every problem with a request body, then throws them together as one 422.</summary>
internal sealed partial class Validation
{
    public const int MaxMetadataEntries = 64;
    public const int MaxDescription = 4096;
    public const int MaxUrl = 4096;
    public const int MaxHeaders = 64;
    public const int MaxHeaderValue = 8192;

    private readonly List<ValidationErrorItem> _errors = [];

    [GeneratedRegex("\\A[a-zA-Z0-9\\-_.]+\\z")]
    private static partial Regex NamePattern();

    [GeneratedRegex("\\A(whsec_)?[a-zA-Z0-9+/=]{32,100}\\z")]
    private static partial Regex SecretPattern();

    public Validation Fail(string field, string message, string type = "value_error")
    {
        _errors.Add(new ValidationErrorItem(["body", .. field.Split('.')], message, type));
        return this;
    }

    public Validation Fail(bool condition, string field, string message) => condition ? Fail(field, message) : this;

    /// <summary>Text without control characters; <paramref name="lineBreaks"/> allows tabs and line breaks (descriptions).</summary>
    public Validation Plain(string field, string? value, bool lineBreaks = false) =>
        value is not null && HasControl(value, lineBreaks) ? Fail(field, "must not contain control characters", "value_error.str.control") : this;

    public static bool HasControl(string value, bool lineBreaks = false)
    {
        foreach (char c in value)
        {
            if ((char.IsControl(c) && !(lineBreaks && c is '\t' or '\n' or '\r')) || c is '\u2028' or '\u2029')
            {
                return true;
            }
        }
        return false;
    }

    public Validation Required(string field, object? value) => value is null ? Fail(field, "field required", "value_error.missing") : this;

    /// <summary>Identifier-like values: letters, digits, '-', '_' and '.', at most <paramref name="max"/> characters.</summary>
    public Validation Name(string field, string? value, int max, bool required = false)
    {
        if (value is null)
        {
            return required ? Required(field, value) : this;
        }
        if (value.Length == 0 || value.Length > max)
        {
            return Fail(field, $"must be 1 to {max} characters");
        }
        return NamePattern().IsMatch(value) ? this : Fail(field, "may contain only letters, digits, '-', '_' and '.'", "value_error.str.regex");
    }

    public Validation Names(string field, IReadOnlyList<string>? values, int maxItems, int maxLength)
    {
        if (values is null)
        {
            return this;
        }
        if (values.Count == 0 || values.Count > maxItems)
        {
            Fail(field, $"must hold 1 to {maxItems} items");
        }
        if (values.Distinct(StringComparer.Ordinal).Count() != values.Count)
        {
            Fail(field, "items must be unique");
        }
        for (int i = 0; i < values.Count && i < maxItems; i++)
        {
            Name($"{field}.{i}", values[i], maxLength, required: true);
        }
        return this;
    }

    public Validation Text(string field, string? value, int max) =>
        value is not null && value.Length > max ? Fail(field, $"must be at most {max} characters") : this;

    public Validation Range(string field, long? value, long min, long max) =>
        value is { } v && (v < min || v > max) ? Fail(field, $"must be between {min} and {max}") : this;

    public Validation Url(string field, string? value)
    {
        if (value is null)
        {
            return Required(field, value);
        }
        if (value.Length > MaxUrl)
        {
            return Fail(field, $"must be at most {MaxUrl} characters");
        }
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || string.IsNullOrEmpty(uri.Host))
        {
            return Fail(field, "must be an absolute http or https URL with a host", "value_error.url");
        }
        return string.IsNullOrEmpty(uri.UserInfo) ? this : Fail(field, "must not carry credentials", "value_error.url");
    }

    public const int MinSecretBytes = 24;
    public const int MaxSecretBytes = 64;

    /// <summary>
    /// A <c>whsec_</c> secret whose base64 decodes to 24 to 64 bytes (a key that can sign), or a <c>whsk_</c> ed25519
    /// key pair: the base64 of its 32-byte seed followed by the seed's 32-byte public key.
    /// </summary>
    public Validation Secret(string field, string? value)
    {
        if (value is null)
        {
            return this;
        }
        if (value.StartsWith(WebhookKeyPair.Prefix, StringComparison.Ordinal))
        {
            return WebhookKeyPair.TryParse(value, out _)
                ? this
                : Fail(field, "must be whsk_ followed by the base64 of 64 bytes: an ed25519 seed and its public key", "value_error.str.key_pair");
        }
        if (!SecretPattern().IsMatch(value))
        {
            return Fail(field, "must be whsec_ followed by 32 to 100 base64 characters, or a whsk_ ed25519 key pair", "value_error.str.regex");
        }
        string base64 = value.StartsWith("whsec_", StringComparison.Ordinal) ? value[6..] : value;
        Span<byte> key = stackalloc byte[100];
        return Convert.TryFromBase64String(base64, key, out int length) && length is >= MinSecretBytes and <= MaxSecretBytes
            ? this
            : Fail(field, $"must be valid base64 of {MinSecretBytes} to {MaxSecretBytes} bytes", "value_error.str.base64");
    }

    /// <summary>The <c>keyType</c> extension: a known kind, and the kind of <paramref name="secret"/> when both are given.</summary>
    public Validation KeyType(string field, string? value, string? secret)
    {
        if (value is null)
        {
            return this;
        }
        if (SecretKinds.FromName(value) is not { } kind)
        {
            return Fail(field, $"must be {SecretKinds.HmacSha256Name} or {SecretKinds.Ed25519Name}", "value_error.const");
        }
        return secret is not null && SecretKinds.Of(secret) != kind
            ? Fail(field, $"does not match the kind of the key given ({(kind == SecretKind.Ed25519 ? "ed25519 needs a whsk_ key" : "hmac-sha256 needs a whsec_ secret")})")
            : this;
    }

    /// <summary>The <c>ordering</c> extension: none, endpoint, channel or key.</summary>
    public Validation OrderingMode(string field, string? value) =>
        value is not null && Model.Ordering.ParseMode(value) is null ? Fail(field, "must be none, endpoint, channel or key", "value_error.const") : this;

    /// <summary>The <c>orderingOnExhaustion</c> extension: skip or hold.</summary>
    public Validation OrderingOnExhaustion(string field, string? value) =>
        value is not null && Model.Ordering.ParseOnExhaustion(value) is null ? Fail(field, "must be skip or hold", "value_error.const") : this;

    /// <summary>A message's <c>orderingKey</c>: 1 to 256 characters without control characters.</summary>
    public Validation OrderingKey(string field, string? value) =>
        value is not null && (value.Length == 0 || value.Length > Model.Ordering.MaxKeyLength)
            ? Fail(field, $"must be 1 to {Model.Ordering.MaxKeyLength} characters")
            : Plain(field, value);

    public Validation Metadata(string field, IReadOnlyDictionary<string, string>? metadata)
    {
        if (metadata is null)
        {
            return this;
        }
        if (metadata.Count > MaxMetadataEntries)
        {
            return Fail(field, $"may hold at most {MaxMetadataEntries} entries");
        }
        foreach (var (k, v) in metadata)
        {
            if (k.Length is 0 or > 256 || v is null || v.Length > 4096)
            {
                return Fail(field, "keys must be 1 to 256 characters and values at most 4096");
            }
            if (HasControl(k) || HasControl(v))
            {
                return Fail($"{field}.{k}", "must not contain control characters", "value_error.str.control");
            }
        }
        return this;
    }

    public Validation Headers(string field, IEnumerable<KeyValuePair<string, string?>> headers, int maxHeaders = MaxHeaders)
    {
        int count = 0;
        foreach (var (name, value) in headers)
        {
            if (++count > maxHeaders)
            {
                return Fail(field, $"may hold at most {maxHeaders} headers");
            }
            if (Delivery.Sending.WebhookHeaders.Refusal(name) is { } why)
            {
                Fail($"{field}.{name}", why);
            }
            else if (value is not null && (value.Length > MaxHeaderValue || HasControl(value.Replace("\t", "", StringComparison.Ordinal))))
            {
                Fail($"{field}.{name}", $"must be at most {MaxHeaderValue} characters without line breaks or control characters");
            }
        }
        return this;
    }

    public void ThrowIfInvalid()
    {
        if (_errors.Count > 0)
        {
            throw new ValidationFailedException(_errors);
        }
    }
}

internal sealed class ValidationFailedException(IReadOnlyList<ValidationErrorItem> errors) : Exception("The request is not valid.")
{
    public IReadOnlyList<ValidationErrorItem> Errors => errors;

    /// <summary>Runs <paramref name="action"/>, reporting its field errors under <paramref name="field"/> (a nested object of the body).</summary>
    public static async Task<T> UnderAsync<T>(string field, Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (ValidationFailedException ex)
        {
            throw new ValidationFailedException(ex.Errors.Select(e => e with { Loc = [e.Loc[0], field, .. e.Loc.Skip(1)] }).ToList());
        }
    }
}
