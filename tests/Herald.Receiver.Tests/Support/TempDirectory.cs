namespace Herald.Receiver.Tests.Support;

/// <summary>A fresh folder under the system temp path, removed on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "herald-receiver-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string SqliteConnectionString(string file = "inbox.db") =>
        $"Data Source={System.IO.Path.Combine(Path, file)};Pooling=True";

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; do not fail the test over it.
        }
    }
}
