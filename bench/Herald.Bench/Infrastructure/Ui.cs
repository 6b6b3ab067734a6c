using Spectre.Console;

namespace Herald.Bench.Infrastructure;

/// <summary>Console output: one progress bar per step, a line per result.</summary>
internal static class Ui
{
    public static void Section(string title) => AnsiConsole.Write(new Rule($"[bold]{Markup.Escape(title)}[/]").LeftJustified());

    public static void Info(string text) => AnsiConsole.MarkupLine($"  {Markup.Escape(text)}");

    public static void Warn(string text) => AnsiConsole.MarkupLine($"  [yellow]{Markup.Escape(text)}[/]");

    /// <summary>Runs <paramref name="work"/> under a progress bar that it moves by reporting a count out of <paramref name="total"/>.</summary>
    public static async Task<T> TrackAsync<T>(string description, double total, Func<Action<double>, Task<T>> work)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            // Redirected output: one line per step instead of a redrawn bar.
            AnsiConsole.MarkupLine($"  {Markup.Escape(description)} ...");
            return await work(_ => { });
        }
        T result = default!;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(description), maxValue: Math.Max(1, total));
                result = await work(v => task.Value = Math.Min(v, total));
                task.Value = task.MaxValue;
            });
        return result;
    }
}
