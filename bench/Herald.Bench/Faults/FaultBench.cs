namespace Herald.Bench.Faults;

/// <summary>The fault subcommands: <c>crash</c> (SIGKILL under load) and <c>soak</c> (a long run with retention).</summary>
internal static class FaultBench
{
    public const string Usage = """
          dotnet run -c Release --project bench/Herald.Bench -- crash [--kills 5] [--rate 500] [--store sqlite|postgres] [--postgres CONNSTRING] [--producers 128] [--seed N] [--set NAME=VALUE] [--output DIR]
          dotnet run -c Release --project bench/Herald.Bench -- soak [--minutes 10] [--rate 1000] [--retention 00:02:00|0] [--store sqlite|postgres] [--postgres CONNSTRING]
                [--producers 128] [--sample 10] [--maintenance-interval 00:01:00] [--idempotency-keys] [--set NAME=VALUE] [--output DIR]
        """;

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine(Usage);
            return 0;
        }
        try
        {
            return args[0] switch
            {
                "crash" => await CrashBench.RunAsync(args[1..], cancel.Token),
                "soak" => await SoakBench.RunAsync(args[1..], cancel.Token),
                _ => throw new ArgumentException($"Unknown fault scenario {args[0]}."),
            };
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            Console.Error.WriteLine(ex.Message);
            Console.Error.WriteLine(Usage);
            return 2;
        }
    }
}
