using System.Text.Json;
using System.Text.Json.Serialization;

namespace Herald.Bench.Sink;

/// <summary>Requests received per path since the last reset; <see cref="Hanging"/>: /hang/ requests held open right now (not reset).</summary>
internal sealed record SinkCount(long Total, Dictionary<string, long> Paths, long Hanging = 0);

/// <summary>
/// What the sink saw since its last reset: times in ms since the reset, raw Stopwatch timestamps, latency in ms;
/// per 100 ms of receipt time the deliveries received (<see cref="Buckets"/>) and the slowest latency among them in µs.
/// </summary>
internal sealed record SinkStats(
    long Total, Dictionary<string, long> Paths, long Verified, long BadSignatures,
    double FirstMs, double LastMs, long FirstTimestamp, long LastTimestamp, long[] Buckets, long[] SlowestUs,
    long LatencyCount, double P50, double P95, double P99, double P999, double Max, double Mean,
    double[][] Curve);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SinkCount))]
[JsonSerializable(typeof(SinkStats))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class SinkJson : JsonSerializerContext;
