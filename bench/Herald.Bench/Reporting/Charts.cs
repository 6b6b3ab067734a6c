using ScottPlot;

namespace Herald.Bench.Reporting;

/// <summary>PNG charts for the report (ScottPlot 5).</summary>
internal static class Charts
{
    private const int Width = 1000;
    private const int Height = 520;

    /// <summary>Latency by percentile on a "nines" axis: x = -log10(1 - p), so 90%, 99%, 99.9% are evenly spaced.</summary>
    public static string? Latency(string dir, Results results)
    {
        var series = results.Latency.Where(l => l.Curve.Length > 0).ToList();
        if (series.Count == 0)
        {
            return null;
        }
        var plot = new Plot();
        foreach (var l in series)
        {
            var points = l.Curve.Where(c => c[0] < 100).ToArray();
            double[] xs = points.Select(c => -Math.Log10(1 - (c[0] / 100.0))).ToArray();
            double[] ys = points.Select(c => Math.Log10(Math.Max(0.1, c[1]))).ToArray();
            var line = plot.Add.Scatter(xs, ys);
            line.LegendText = $"{l.Store}, {l.TargetRate:N0} msg/s (max {l.Max:0.#} ms)";
            line.LineWidth = 2;
        }
        double[] ticks = [0, Math.Log10(2), 1, 2, 3, 4, 5];
        string[] labels = ["0%", "50%", "90%", "99%", "99.9%", "99.99%", "99.999%"];
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks, labels);
        plot.Axes.SetLimitsX(0, 5);
        // Log-scaled y: milliseconds to tens of seconds in one picture.
        foreach (var (ms, label) in new[] { (20.0, "p99 target at 1,000 msg/s: 20 ms"), (50.0, "p99 target at 5,000 msg/s: 50 ms") })
        {
            var target = plot.Add.HorizontalLine(Math.Log10(ms));
            target.LinePattern = LinePattern.Dashed;
            target.LegendText = label;
        }
        double top = Math.Max(2, Math.Ceiling(series.Max(l => Math.Log10(Math.Max(0.1, l.Max))) + 0.2));
        var yTicks = new List<(double, string)>();
        for (int decade = -1; decade < top; decade++)
        {
            foreach (int m in new[] { 1, 2, 5 })
            {
                double v = m * Math.Pow(10, decade);
                yTicks.Add((Math.Log10(v), v < 1 ? v.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) : v.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)));
            }
        }
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(yTicks.Select(t => t.Item1).ToArray(), yTicks.Select(t => t.Item2).ToArray());
        plot.Axes.SetLimitsY(-1, top);
        plot.Title("Herald end-to-end latency (API request start to sink receipt), open model");
        plot.XLabel("percentile");
        plot.YLabel("latency (ms, log scale)");
        plot.ShowLegend(Alignment.UpperLeft);
        return Save(plot, dir, "latency.png");
    }

    /// <summary>Deliveries per second over time during the 1-endpoint drains and the baselines.</summary>
    public static string? Throughput(string dir, Results results)
    {
        var drains = results.Drains.Where(d => d.Endpoints == 1 && d.Label is "1 endpoint" or "ceiling" or "job per webhook" && d.Buckets.Length > 0).ToList();
        if (drains.Count == 0)
        {
            return null;
        }
        var plot = new Plot();
        const int per = 5; // 5 buckets of 100 ms: a point every 0.5 s
        double highest = 0;
        foreach (var d in drains)
        {
            int n = (d.Buckets.Length + per - 1) / per;
            double[] xs = new double[n], ys = new double[n];
            for (int i = 0; i < n; i++)
            {
                long sum = 0;
                for (int j = i * per; j < Math.Min(d.Buckets.Length, (i + 1) * per); j++)
                {
                    sum += d.Buckets[j];
                }
                xs[i] = (i + 1) * per * Sink.SinkServer.BucketMs / 1000.0;
                ys[i] = sum * 1000.0 / (per * Sink.SinkServer.BucketMs);
            }
            highest = Math.Max(highest, ys.Length == 0 ? 0 : ys.Max());
            var line = plot.Add.Scatter(xs, ys);
            line.LegendText = d.System == "Herald" ? $"Herald ({d.Store})" : d.System;
            line.MarkerSize = 0;
            line.LineWidth = 2;
        }
        plot.Title("Deliveries per second while draining a backlog (1 endpoint)");
        plot.XLabel("seconds since start (Herald: since the restart with the dispatcher on)");
        plot.YLabel("deliveries/s");
        plot.Axes.SetLimitsY(0, Math.Max(10, highest * 1.1));
        plot.ShowLegend(Alignment.UpperRight);
        return Save(plot, dir, "throughput.png");
    }

    /// <summary>Average deliveries/s: Herald vs the raw ceiling vs Hangfire.</summary>
    public static string? Comparison(string dir, Results results)
    {
        var rows = results.Drains.Where(d => d.Label is "1 endpoint" or "ceiling" or "job per webhook").ToList();
        if (rows.Count == 0)
        {
            return null;
        }
        var plot = new Plot();
        var bars = new List<Bar>();
        for (int i = 0; i < rows.Count; i++)
        {
            bars.Add(new Bar
            {
                Position = i,
                Value = rows[i].Rate,
                Label = rows[i].Rate.ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
                FillColor = rows[i].System.StartsWith("Herald", StringComparison.Ordinal) ? Colors.SteelBlue
                    : rows[i].System.StartsWith("Raw", StringComparison.Ordinal) ? Colors.Gray : Colors.IndianRed,
            });
        }
        var barPlot = plot.Add.Bars(bars);
        barPlot.ValueLabelStyle.FontSize = 14;
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, rows.Count).Select(i => (double)i).ToArray(),
            rows.Select(r => r.System == "Herald" ? $"Herald ({r.Store})" : r.System.Replace(" (no persistence)", "", StringComparison.Ordinal)).ToArray());
        plot.Axes.Margins(bottom: 0, top: 0.15);
        plot.Title("Deliveries/s draining a backlog to 1 endpoint (same machine, same run)");
        plot.YLabel("deliveries/s");
        return Save(plot, dir, "comparison.png");
    }

    /// <summary>The server's resident memory during the largest drain.</summary>
    public static string? Memory(string dir, Results results)
    {
        var largest = results.Drains.Where(d => d.System == "Herald" && d.Memory.Count > 0).OrderByDescending(d => d.Expected).ThenBy(d => d.Store == "SQLite" ? 0 : 1).FirstOrDefault();
        if (largest is null)
        {
            return null;
        }
        var plot = new Plot();
        var line = plot.Add.Scatter(largest.Memory.Select(m => m.Seconds).ToArray(), largest.Memory.Select(m => m.Mb).ToArray());
        line.LegendText = $"Herald ({largest.Store}) RSS, peak {largest.PeakRssMb:N0} MB";
        line.MarkerSize = 0;
        line.LineWidth = 2;
        var limit = plot.Add.HorizontalLine(300);
        limit.LegendText = "target: 300 MB";
        limit.LinePattern = LinePattern.Dashed;
        plot.Axes.SetLimitsY(0, Math.Max(350, largest.PeakRssMb * 1.1));
        plot.Title($"Server memory while draining {largest.Expected:N0} deliveries ({largest.Label})");
        plot.XLabel("seconds since the restart");
        plot.YLabel("RSS (MB)");
        plot.ShowLegend(Alignment.LowerRight);
        return Save(plot, dir, "memory.png");
    }

    private static string Save(Plot plot, string dir, string file)
    {
        plot.SavePng(Path.Combine(dir, file), Width, Height);
        return file;
    }
}
