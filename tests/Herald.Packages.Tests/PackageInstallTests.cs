using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Xml.Linq;
using Herald.Signing;
using Herald.Testing;

namespace Herald.Packages.Tests;

/// <summary>
/// The packages install and work outside the repository: a new ASP.NET Core app restores Herald.Receiver.Sqlite (and
/// with it Herald.Receiver) from the packed feed (and their other dependencies from nuget.org) and verifies a webhook
/// that a console app signs with Herald.Receiver.Testing, an app with Herald.Receiver.Postgres (and no SQLite) does the
/// same with its inbox on its own data source in the test PostgreSQL (HERALD_TEST_POSTGRES), and Herald.Cli installs
/// as the <c>herald</c> tool.
/// </summary>
public sealed class PackageInstallTests(PackedFeed packed) : IClassFixture<PackedFeed>
{
    private static readonly TimeSpan BuildLimit = TimeSpan.FromMinutes(5);

    [Fact]
    public void Every_package_has_its_metadata_readme_documentation_and_symbols()
    {
        bool inGit = Directory.Exists(Path.Combine(PackedFeed.RepositoryRoot(), ".git")) || File.Exists(Path.Combine(PackedFeed.RepositoryRoot(), ".git"));
        foreach (var id in PackedFeed.PackageIds)
        {
            string nupkg = Path.Combine(packed.Feed, $"{id}.{packed.Version}.nupkg");
            string snupkg = Path.Combine(packed.Feed, $"{id}.{packed.Version}.snupkg");
            Assert.True(File.Exists(nupkg), $"{nupkg} was not packed.");
            Assert.True(File.Exists(snupkg), $"{snupkg} was not packed.");

            using var package = ZipFile.OpenRead(nupkg);
            var files = package.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
            var nuspec = ReadNuspec(package, id);
            XNamespace ns = nuspec.Root!.Name.Namespace;
            var metadata = nuspec.Root.Element(ns + "metadata")!;
            string Field(string name) => metadata.Element(ns + name)?.Value ?? "";

            Assert.Equal(id, Field("id"));
            Assert.Equal("Herald contributors", Field("authors"));
            Assert.Equal("MIT", Field("license"));
            Assert.Equal("expression", metadata.Element(ns + "license")!.Attribute("type")!.Value);
            Assert.False(string.IsNullOrWhiteSpace(Field("description")), $"{id} has no description.");
            Assert.Contains("herald", Field("tags").Split(' '));
            Assert.Equal("README.md", Field("readme"));
            Assert.Contains("README.md", files);
            using (var readme = new StreamReader(package.GetEntry("README.md")!.Open()))
            {
                string text = readme.ReadToEnd();
                Assert.StartsWith($"# {id}", text, StringComparison.Ordinal);
                Assert.Contains(id == "Herald.Cli" ? "dotnet tool install" : $"dotnet add package {id}", text, StringComparison.Ordinal);
            }
            if (inGit)
            {
                // Source control information (what SourceLink builds on) was found and recorded.
                var repository = metadata.Element(ns + "repository");
                Assert.True(repository?.Attribute("commit")?.Value is { Length: 40 }, $"{id} records no commit: {repository}");
            }

            if (id == "Herald.Cli")
            {
                Assert.Equal("DotnetTool", metadata.Element(ns + "packageTypes")?.Element(ns + "packageType")?.Attribute("name")?.Value);
                using var settings = package.GetEntry("tools/net10.0/any/DotnetToolSettings.xml")!.Open();
                var command = XDocument.Load(settings).Descendants("Command").Single();
                Assert.Equal("herald", command.Attribute("Name")!.Value);
            }
            else
            {
                Assert.Contains($"lib/net10.0/{id}.dll", files);
                Assert.Contains($"lib/net10.0/{id}.xml", files);
            }

            using var symbols = ZipFile.OpenRead(snupkg);
            Assert.Contains(symbols.Entries, e => e.FullName.EndsWith(".pdb", StringComparison.Ordinal));
        }

        // Project references became package dependencies on the same version, and each package brings only what it uses:
        // the receiver no database driver, each inbox its own, the testing package only the signing.
        Assert.Equal(["Herald.Core"], Dependencies("Herald.Receiver"));
        Assert.Equal(["Herald.Receiver", "Microsoft.Data.Sqlite"], Dependencies("Herald.Receiver.Sqlite"));
        Assert.Equal(["Herald.Receiver", "Npgsql"], Dependencies("Herald.Receiver.Postgres"));
        Assert.Equal(["Herald.Core"], Dependencies("Herald.Receiver.Testing"));
        foreach (var (id, on) in new[] { ("Herald.Receiver", "Herald.Core"), ("Herald.Receiver.Sqlite", "Herald.Receiver"),
            ("Herald.Receiver.Postgres", "Herald.Receiver"), ("Herald.Receiver.Testing", "Herald.Core") })
        {
            Assert.Equal(packed.Version, DependencyElements(id).Single(e => e.Attribute("id")?.Value == on).Attribute("version")!.Value);
        }
    }

    private string[] Dependencies(string id) =>
        [.. DependencyElements(id).Select(e => e.Attribute("id")!.Value).Order(StringComparer.Ordinal)];

    private List<XElement> DependencyElements(string id)
    {
        using var package = ZipFile.OpenRead(Path.Combine(packed.Feed, $"{id}.{packed.Version}.nupkg"));
        return [.. ReadNuspec(package, id).Descendants().Where(e => e.Name.LocalName == "dependency")];
    }

    [Fact]
    public async Task A_new_app_with_Herald_Receiver_Sqlite_from_the_feed_processes_a_webhook_signed_with_Herald_Receiver_Testing_and_refuses_a_forged_one()
    {
        string folder = packed.NewFolder("receiver-app");
        string output = await BuildAppAsync("ReceiverApp", folder);
        Assert.True(File.Exists(Path.Combine(output, "Herald.Receiver.dll")), "The app's output has no Herald.Receiver.dll.");
        Assert.True(File.Exists(Path.Combine(output, "Herald.Receiver.Sqlite.dll")), "The app's output has no Herald.Receiver.Sqlite.dll.");
        Assert.False(File.Exists(Path.Combine(output, "Npgsql.dll")), "An app with the SQLite inbox got Npgsql.");
        string sender = await BuildAppAsync("SenderApp", packed.NewFolder("sender-app"));
        Assert.False(File.Exists(Path.Combine(sender, "Herald.Receiver.dll")), "Herald.Receiver.Testing brought Herald.Receiver.");

        string secret = WebhookSecret.Generate();
        int port = FreePort();
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(output, "ReceiverApp.dll"), "--urls", $"http://127.0.0.1:{port}" },
            WorkingDirectory = folder,
        };
        info.Environment["Herald__Receiver__Secrets__0"] = secret;
        info.Environment["Herald__Receiver__Inbox__ConnectionString"] = $"Data Source={Path.Combine(folder, "inbox.db")}";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        await using var app = AppProcess.Start(info);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        await WaitUntilAnsweringAsync(app, http);

        // Signed with another secret: refused before anything is stored.
        Assert.Equal("401", await SendAsync(sender, $"http://127.0.0.1:{port}/webhooks", WebhookSecret.Generate(), "msg_forged"));
        Assert.Equal("200", await SendAsync(sender, $"http://127.0.0.1:{port}/webhooks", secret, "msg_genuine"));

        string received = await Eventually.WaitAsync(() => http.GetStringAsync("/received"),
            r => r.Contains("msg_genuine", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the handler to process the webhook");
        Assert.Contains("msg_genuine payment.succeeded 12345", received, StringComparison.Ordinal);
        Assert.DoesNotContain("msg_forged", received, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_new_app_with_Herald_Receiver_Postgres_from_the_feed_keeps_its_inbox_on_the_apps_data_source_without_SQLite()
    {
        string connectionString = Environment.GetEnvironmentVariable("HERALD_TEST_POSTGRES")
            ?? throw new InvalidOperationException(
                "HERALD_TEST_POSTGRES is not set. Start a private PostgreSQL with "
                + "`eval \"$(HERALD_PG_DIR=/tmp/herald-pg bash scripts/postgres.sh start)\"`, which sets it (scripts/test.sh does).");
        string folder = packed.NewFolder("postgres-app");
        string output = await BuildAppAsync("PostgresReceiverApp", folder);
        Assert.True(File.Exists(Path.Combine(output, "Herald.Receiver.Postgres.dll")), "The app's output has no Herald.Receiver.Postgres.dll.");
        Assert.True(File.Exists(Path.Combine(output, "Npgsql.dll")), "The app's output has no Npgsql.dll.");
        Assert.False(File.Exists(Path.Combine(output, "Microsoft.Data.Sqlite.dll")), "An app with the PostgreSQL inbox got Microsoft.Data.Sqlite.");
        string sender = await BuildAppAsync("SenderApp", packed.NewFolder("postgres-sender-app"));

        string table = "herald_inbox_pkg_" + Guid.NewGuid().ToString("N")[..12];
        string secret = WebhookSecret.Generate();
        int port = FreePort();
        var info = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(output, "PostgresReceiverApp.dll"), "--urls", $"http://127.0.0.1:{port}" },
            WorkingDirectory = folder,
        };
        info.Environment["ConnectionStrings__App"] = connectionString;
        info.Environment["Herald__Receivers__Payments__Secrets__0"] = secret;
        info.Environment["Herald__Receivers__Payments__Inbox__TableName"] = table;
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        try
        {
            await using var app = AppProcess.Start(info);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
            await WaitUntilAnsweringAsync(app, http);

            Assert.Equal("401", await SendAsync(sender, $"http://127.0.0.1:{port}/webhooks/payments", WebhookSecret.Generate(), "msg_forged"));
            Assert.Equal("200", await SendAsync(sender, $"http://127.0.0.1:{port}/webhooks/payments", secret, "msg_pg_genuine"));
            string received = await Eventually.WaitAsync(() => http.GetStringAsync("/received"),
                r => r.Contains("msg_pg_genuine", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the handler to process the webhook");
            Assert.Contains("msg_pg_genuine payment.succeeded 12345", received, StringComparison.Ordinal);
            Assert.DoesNotContain("msg_forged", received, StringComparison.Ordinal);
        }
        finally
        {
            await using var dataSource = Npgsql.NpgsqlDataSource.Create(connectionString);
            await using var drop = dataSource.CreateCommand($"DROP TABLE IF EXISTS {table};");
            await drop.ExecuteNonQueryAsync();
        }
    }

    /// <summary>Copies the app <paramref name="name"/> into <paramref name="folder"/>, builds it against the feed, and returns its output folder.</summary>
    private async Task<string> BuildAppAsync(string name, string folder)
    {
        string project = Path.Combine(folder, "app");
        Directory.CreateDirectory(project);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, name)))
        {
            File.Copy(file, Path.Combine(project, Path.GetFileName(file)));
        }
        // Herald's packages come from the feed only, everything else from nuget.org.
        File.WriteAllText(Path.Combine(project, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="herald-feed" value="{packed.Feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="herald-feed"><package pattern="Herald.*" /></packageSource>
                <packageSource key="nuget.org"><package pattern="*" /></packageSource>
              </packageSourceMapping>
            </configuration>
            """);

        string output = Path.Combine(folder, "out");
        var build = await PackedFeed.DotnetAsync(project, BuildLimit,
            "build", "-c", "Release", "-o", output, $"-p:HeraldVersion={packed.Version}");
        Assert.True(build.Exit == 0, $"dotnet build of {name} exited with {build.Exit}:\n{build.Output}");
        return output;
    }

    /// <summary>Runs the sender app: it signs with <paramref name="secret"/>, posts to <paramref name="url"/> and prints the status.</summary>
    private static async Task<string> SendAsync(string senderOutput, string url, string secret, string messageId)
    {
        var info = new ProcessStartInfo("dotnet") { ArgumentList = { Path.Combine(senderOutput, "SenderApp.dll"), url, secret, messageId } };
        PackedFeed.Isolate(info);
        var run = await ChildProcess.RunAsync(info, TimeSpan.FromMinutes(1));
        Assert.True(run.Exit == 0, $"The sender exited with {run.Exit}:\n{run.Output}");
        return run.Output.Trim();
    }

    private static async Task WaitUntilAnsweringAsync(AppProcess app, HttpClient http) =>
        await Eventually.WaitAsync(async () =>
        {
            if (app.HasExited)
            {
                throw new InvalidOperationException($"The app exited during start-up:\n{app.Output}");
            }
            try
            {
                return (await http.GetAsync("/received")).StatusCode == HttpStatusCode.OK;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, ok => ok, TimeSpan.FromSeconds(60), "the app to answer GET /received");

    [Fact]
    public async Task Herald_Cli_installs_from_the_feed_as_the_herald_tool_and_prints_its_usage()
    {
        string folder = packed.NewFolder("tool");
        string tools = Path.Combine(folder, "tools");
        var install = await PackedFeed.DotnetAsync(folder, BuildLimit,
            "tool", "install", "--tool-path", tools, "--add-source", packed.Feed, "--version", packed.Version, "Herald.Cli");
        Assert.True(install.Exit == 0, $"dotnet tool install exited with {install.Exit}:\n{install.Output}");

        var info = new ProcessStartInfo(Path.Combine(tools, "herald")) { ArgumentList = { "--help" }, WorkingDirectory = folder };
        PackedFeed.Isolate(info);
        var help = await ChildProcess.RunAsync(info, TimeSpan.FromMinutes(1));

        Assert.True(help.Exit == 0, $"herald --help exited with {help.Exit}:\n{help.Output}");
        Assert.Contains("herald login --url URL --token TOKEN", help.Output, StringComparison.Ordinal);
        Assert.Contains("herald listen --app APP --forward-to", help.Output, StringComparison.Ordinal);
    }

    private static XDocument ReadNuspec(ZipArchive package, string id)
    {
        using var stream = package.GetEntry($"{id}.nuspec")!.Open();
        return XDocument.Load(stream);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The app as a separate process; its output is kept for failure messages, and it is killed on dispose.</summary>
    private sealed class AppProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();

        private AppProcess(Process process) => _process = process;

        public bool HasExited => _process.HasExited;

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public static AppProcess Start(ProcessStartInfo info)
        {
            info.RedirectStandardOutput = true;
            info.RedirectStandardError = true;
            info.UseShellExecute = false;
            var app = new AppProcess(Process.Start(info)!);
            app._process.OutputDataReceived += (_, e) => app.Append(e.Data);
            app._process.ErrorDataReceived += (_, e) => app.Append(e.Data);
            app._process.BeginOutputReadLine();
            app._process.BeginErrorReadLine();
            return app;
        }

        private void Append(string? line)
        {
            if (line is not null)
            {
                lock (_output)
                {
                    _output.AppendLine(line);
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
            _process.Dispose();
        }
    }
}
