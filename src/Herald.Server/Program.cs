using Herald.Server.Hosting;

var app = HeraldServer.Build(args);
await app.RunAsync();
