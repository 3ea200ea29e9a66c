using Resumable.Cli;

return await CliApplication.RunAsync(args);
