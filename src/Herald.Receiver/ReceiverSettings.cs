using Herald.Receiver.Verification;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Herald.Receiver;

/// <summary>
/// The receiver's options as last validated. <c>IOptionsMonitor.CurrentValue</c> throws for as long as a reloaded
/// configuration is invalid (a typo, or a <c>whsk_</c> key pasted in during a rotation), which would turn every webhook
/// into a 500 and stop the processor; this keeps the last valid options instead and logs why the new ones were refused.
/// </summary>
internal sealed class ReceiverSettings : IDisposable
{
    private readonly string _name;
    private readonly IOptionsFactory<HeraldReceiverOptions> _factory;
    private readonly ILogger<ReceiverSettings> _logger;
    private readonly List<IDisposable> _subscriptions = [];
    private volatile HeraldReceiverOptions _current;

    /// <param name="name">The receiver's name, which is the name of its options (<see cref="Options.DefaultName"/> for the unnamed one).</param>
    /// <param name="options">Tells of configuration reloads.</param>
    /// <param name="factory">Builds and validates the options anew on each reload.</param>
    /// <param name="sources">The change tokens of the receiver's options, watched for reloads.</param>
    /// <param name="logger">Where refused reloads are reported.</param>
    public ReceiverSettings(
        string name,
        IOptionsMonitor<HeraldReceiverOptions> options,
        IOptionsFactory<HeraldReceiverOptions> factory,
        IEnumerable<IOptionsChangeTokenSource<HeraldReceiverOptions>> sources,
        ILogger<ReceiverSettings> logger)
    {
        _name = name;
        _factory = factory;
        _logger = logger;
        _current = options.Get(name);
        foreach (var source in sources.Where(s => (s.Name ?? Options.DefaultName) == name))
        {
            _subscriptions.Add(ChangeToken.OnChange(source.GetChangeToken, Reload));
        }
    }

    public HeraldReceiverOptions Current => _current;

    /// <summary>Raised with the new options after a reload that passed validation.</summary>
    public event Action<HeraldReceiverOptions>? Changed;

    private void Reload()
    {
        HeraldReceiverOptions updated;
        try
        {
            updated = _factory.Create(_name);
        }
        catch (OptionsValidationException ex)
        {
            // The failures name settings and positions, never a key's value.
            Log.ReloadRejected(_logger, string.Join(" ", ex.Failures));
            return;
        }
        _current = updated;
        Changed?.Invoke(updated);
    }

    public void Dispose()
    {
        foreach (var subscription in _subscriptions)
        {
            subscription.Dispose();
        }
    }
}
