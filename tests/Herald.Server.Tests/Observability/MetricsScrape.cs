using System.Globalization;

namespace Herald.Server.Tests.Observability;

/// <summary>Parses a Prometheus text scrape into (series → value).</summary>
internal sealed class MetricsScrape(Dictionary<string, double> samples, string text)
{
    public string Text => text;

    public static async Task<MetricsScrape> FetchAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/metrics");
        Assert.Equal(200, (int)response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        string text = await response.Content.ReadAsStringAsync();
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith('#'))
            {
                continue;
            }
            int space = line.LastIndexOf(' ');
            string value = line[(space + 1)..];
            samples[line[..space]] = value == "+Inf" ? double.PositiveInfinity : double.Parse(value, CultureInfo.InvariantCulture);
        }
        return new MetricsScrape(samples, text);
    }

    public double this[string series] => samples.TryGetValue(series, out var v) ? v : throw new KeyNotFoundException($"No series {series} in:\n{text}");

    public bool Has(string series) => samples.ContainsKey(series);
}
