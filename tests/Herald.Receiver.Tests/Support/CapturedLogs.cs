using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Herald.Receiver.Tests.Support;

internal sealed record LogLine(string Category, LogLevel Level, EventId EventId, string Message)
{
    /// <summary>The scopes the line was written in, outermost first.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];
}

/// <summary>Keeps every log line of a test app so tests can check what was (and was not) logged.</summary>
internal sealed class CapturedLogs : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<LogLine> _lines = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public IReadOnlyList<LogLine> Lines => _lines.ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines, this);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<LogLine> lines, CapturedLogs owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scopes = new List<string>();
            owner._scopes.ForEachScope(static (scope, list) => list.Add(scope?.ToString() ?? ""), scopes);
            lines.Enqueue(new LogLine(category, logLevel, eventId, formatter(state, exception)) { Scopes = scopes });
        }
    }
}
