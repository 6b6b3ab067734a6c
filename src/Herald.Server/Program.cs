using Herald.Server.Hosting;

return await StartupFailure.RunAsync(() => HeraldServer.Build(args), Console.Error);
