using System.Globalization;
using System.Text;
using Herald.Model;

namespace Herald.Server.Dashboard;

/// <summary>Endpoint health over time drawn as inline SVG: attempts grouped into equal time buckets.</summary>
internal static class Charts
{
    private const int Width = 560, Height = 160, Pad = 30;

    public sealed record Bucket(DateTimeOffset Start, int Attempts, double SuccessRate, double AverageMs);

    public static List<Bucket> Buckets(IReadOnlyList<Attempt> attempts, int count = 24)
    {
        if (attempts.Count == 0)
        {
            return [];
        }
        var from = attempts.Min(a => a.Timestamp);
        var to = attempts.Max(a => a.Timestamp);
        var width = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerSecond, (to - from).Ticks / count + 1));
        return attempts.GroupBy(a => (int)((a.Timestamp - from).Ticks / width.Ticks)).OrderBy(g => g.Key).Select(g => new Bucket(
            from + width * g.Key, g.Count(), g.Count(a => a.Status == DeliveryStatus.Success) / (double)g.Count(),
            g.Average(a => a.ResponseDurationMs))).ToList();
    }

    public static string Line(string id, string title, IReadOnlyList<Bucket> buckets, Func<Bucket, double> value, double max, string unit)
    {
        var sb = new StringBuilder($"""<figure><figcaption>{Html.E(title)}</figcaption><svg id="{id}" width="{Width}" height="{Height}" viewBox="0 0 {Width} {Height}" role="img" aria-label="{Html.E(title)}">""");
        sb.Append($"""<line x1="{Pad}" y1="{Height - Pad}" x2="{Width - 5}" y2="{Height - Pad}" stroke="#9ca3af"/><line x1="{Pad}" y1="5" x2="{Pad}" y2="{Height - Pad}" stroke="#9ca3af"/>""");
        sb.Append($"""<text x="2" y="14" font-size="10">{F(max)}{unit}</text><text x="2" y="{Height - Pad}" font-size="10">0</text>""");
        if (buckets.Count == 0)
        {
            sb.Append($"""<text x="{Width / 2 - 40}" y="{Height / 2}" font-size="12" fill="#6b7280">no attempts yet</text>""");
        }
        else
        {
            double step = buckets.Count == 1 ? 0 : (Width - Pad - 10) / (double)(buckets.Count - 1);
            var points = buckets.Select((b, i) => (X: Pad + (buckets.Count == 1 ? (Width - Pad) / 2.0 : i * step),
                Y: Height - Pad - (max <= 0 ? 0 : Math.Min(1, value(b) / max)) * (Height - Pad - 10))).ToList();
            sb.Append($"""<polyline fill="none" stroke="#2563eb" stroke-width="2" points="{string.Join(' ', points.Select(p => $"{F(p.X)},{F(p.Y)}"))}"/>""");
            foreach (var (p, b) in points.Zip(buckets))
            {
                sb.Append($"""<circle cx="{F(p.X)}" cy="{F(p.Y)}" r="3" fill="#2563eb"><title>{Html.Time(b.Start)}: {F(value(b))}{unit} ({b.Attempts} attempts)</title></circle>""");
            }
            sb.Append($"""<text x="{Pad}" y="{Height - 8}" font-size="10">{Html.Time(buckets[0].Start)}</text>""");
            sb.Append($"""<text x="{Width - 150}" y="{Height - 8}" font-size="10">{Html.Time(buckets[^1].Start)}</text>""");
        }
        return sb.Append("</svg></figure>").ToString();
    }

    private static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
}
