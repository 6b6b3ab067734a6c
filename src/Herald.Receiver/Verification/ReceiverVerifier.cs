using Herald.Signing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Herald.Receiver.Verification;

/// <summary>Holds the verifier for the current secrets and rebuilds it when configuration reloads.</summary>
internal sealed class ReceiverVerifier : IDisposable
{
    private readonly TimeProvider _time;
    private readonly IDisposable? _subscription;
    private volatile WebhookVerifier _current;

    public ReceiverVerifier(IOptionsMonitor<HeraldReceiverOptions> options, TimeProvider time, ILogger<ReceiverVerifier> logger)
    {
        _time = time;
        _current = Create(options.CurrentValue);
        _subscription = options.OnChange(updated =>
        {
            try
            {
                _current = Create(updated);
                Log.SecretsReloaded(logger, updated.Secrets.Count);
            }
            catch (ArgumentException)
            {
                // Keep accepting the previous secrets rather than rejecting everything.
                Log.SecretsReloadRejected(logger);
            }
        });
    }

    public VerificationFailure Verify(in WebhookHeaders headers, ReadOnlySpan<byte> body) =>
        _current.Verify(headers.Id, headers.Timestamp, headers.Signature, body);

    public void Dispose() => _subscription?.Dispose();

    private WebhookVerifier Create(HeraldReceiverOptions options) =>
        new(options.Secrets, options.Tolerance, _time);
}
