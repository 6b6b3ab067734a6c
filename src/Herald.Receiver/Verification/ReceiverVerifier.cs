using Herald.Signing;
using Microsoft.Extensions.Logging;

namespace Herald.Receiver.Verification;

/// <summary>Holds the verifier for the current keys and rebuilds it when the settings reload.</summary>
internal sealed class ReceiverVerifier : IDisposable
{
    private readonly ReceiverSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger<ReceiverVerifier> _logger;
    private volatile WebhookVerifier _current;

    public ReceiverVerifier(ReceiverSettings settings, TimeProvider time, ILogger<ReceiverVerifier> logger)
    {
        _settings = settings;
        _time = time;
        _logger = logger;
        _current = Create(settings.Current);
        settings.Changed += OnChanged;
    }

    public VerificationFailure Verify(in WebhookHeaders headers, ReadOnlySpan<byte> body) =>
        _current.Verify(headers.Id, headers.Timestamp, headers.Signature, body);

    public void Dispose() => _settings.Changed -= OnChanged;

    private void OnChanged(HeraldReceiverOptions updated)
    {
        try
        {
            _current = Create(updated);
            Log.SecretsReloaded(_logger, updated.Secrets.Count);
        }
        catch (ArgumentException)
        {
            // Keep accepting the previous keys rather than rejecting everything.
            Log.SecretsReloadRejected(_logger);
        }
    }

    private WebhookVerifier Create(HeraldReceiverOptions options) =>
        new(options.Secrets, options.Tolerance, _time);
}
