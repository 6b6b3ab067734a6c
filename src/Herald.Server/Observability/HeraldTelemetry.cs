using System.Diagnostics;

namespace Herald.Server.Observability;

/// <summary>The <c>Herald</c> activity source: one span per accepted message and one per delivery attempt.</summary>
internal static class HeraldTelemetry
{
    public const string SourceName = "Herald";
    public const string Ingest = "herald.ingest";
    public const string Deliver = "herald.deliver";

    public static readonly ActivitySource Source = new(SourceName);
}
