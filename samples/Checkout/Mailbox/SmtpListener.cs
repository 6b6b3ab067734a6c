using System.Buffers;
using System.Net;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Checkout.Mailbox;

/// <summary>
/// The mailbox's SMTP server (the SmtpServer package) on 127.0.0.1. It answers 250 to a message only once the message
/// is in <see cref="MailboxStore"/>, so a store that finished sending knows the mail has arrived.
/// </summary>
internal sealed partial class SmtpListener(MailboxStore store, MailboxOptions options, ILogger<SmtpListener> logger) : IHostedService, IDisposable
{
    private readonly TaskCompletionSource<IPEndPoint> _bound = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private Task? _running;

    /// <summary>Where the SMTP server listens; known once it has started (the port may have been 0).</summary>
    public Task<IPEndPoint> EndPoint => _bound.Task;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var serverOptions = new SmtpServerOptionsBuilder()
            .ServerName("mailbox.checkout.local")
            .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, options.SmtpPort)))
            .Build();
        var listeners = new EndpointListenerFactory();
        listeners.EndpointStarted += (_, e) => _bound.TrySetResult((IPEndPoint)e.LocalEndPoint);
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(listeners);
        services.Add(new StoringMessageStore(store, logger));
        var server = new global::SmtpServer.SmtpServer(serverOptions, services);
        _running = server.StartAsync(_stopping.Token);
        // A port already in use faults the server's task before any endpoint starts.
        var first = await Task.WhenAny(_bound.Task, _running).WaitAsync(cancellationToken);
        if (first == _running)
        {
            await _running;
            throw new InvalidOperationException("The SMTP server stopped while starting.");
        }
        Listening(logger, await _bound.Task);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_running is not null)
        {
            try
            {
                await _running.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Cancelling is how the server is told to stop.
            }
        }
    }

    public void Dispose() => _stopping.Dispose();

    private sealed class StoringMessageStore(MailboxStore store, ILogger logger) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(
            ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            var mail = await store.SaveAsync(buffer.ToArray(), transaction.From.AsAddress(), transaction.To.Select(t => t.AsAddress()), cancellationToken);
            Received(logger, mail.MessageId, mail.EnvelopeTo);
            return SmtpResponse.Ok;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The mailbox's SMTP server listens on {EndPoint}")]
    private static partial void Listening(ILogger logger, IPEndPoint endPoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "The mailbox received {MessageId} for {To}")]
    private static partial void Received(ILogger logger, string messageId, string to);
}
