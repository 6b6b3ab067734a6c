using System.Globalization;
using System.Text;
using Spectre.Console;

namespace Herald.Bench.Faults;

/// <summary>A fault scenario's figures: a table on the console and, with <c>--output DIR</c>, the same as markdown.</summary>
internal sealed class FaultReport(string title)
{
    private readonly List<(string Figure, string Value, bool? Met, string Note)> _rows = [];
    private readonly List<string> _sections = [];

    public void Add(string figure, string value, bool? met = null, string note = "") => _rows.Add((figure, value, met, note));

    /// <summary>A markdown block after the table (a series, a per-kill list), also printed to the console.</summary>
    public void Section(string heading, IEnumerable<string> lines)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"## {heading}").AppendLine();
        foreach (var line in lines)
        {
            md.AppendLine(line);
        }
        _sections.Add(md.ToString());
    }

    /// <summary>True when no target was missed.</summary>
    public bool AllMet => _rows.All(r => r.Met != false);

    public void Print()
    {
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = 200; // a log file has no width; keep each row on one line
        }
        var table = new Table().Title(Markup.Escape(title)).AddColumns("figure", "value", "target", "note");
        foreach (var (figure, value, met, note) in _rows)
        {
            table.AddRow(Markup.Escape(figure), Markup.Escape(value), met switch { true => "[green]met[/]", false => "[red]not met[/]", null => "" }, Markup.Escape(note));
        }
        AnsiConsole.Write(table);
        foreach (var section in _sections)
        {
            Console.WriteLine(section);
        }
    }

    /// <summary>Writes <c>&lt;dir&gt;/&lt;time&gt;-&lt;name&gt;.md</c>; returns its path.</summary>
    public string Write(string dir, string name, IEnumerable<string> preamble)
    {
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{name}.md");
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# {title}").AppendLine();
        foreach (var line in preamble)
        {
            md.AppendLine(line);
        }
        md.AppendLine().AppendLine("| figure | value | target | note |").AppendLine("| --- | --- | --- | --- |");
        foreach (var (figure, value, met, note) in _rows)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {figure} | {value} | {met switch { true => "met", false => "**not met**", null => "" }} | {note} |");
        }
        md.AppendLine();
        foreach (var section in _sections)
        {
            md.AppendLine(section);
        }
        File.WriteAllText(path, md.ToString());
        return path;
    }
}
