// Configuration files are read once: a file watcher on the content root would wake for every write of the
// write-ahead log kept under it (data/wal by default). A later argument or the environment can turn it back on.
var builder = WebApplication.CreateBuilder(["--hostBuilder:reloadConfigOnChange=false", .. args]);
builder.AddResumableServer();

var app = builder.Build();
app.MapResumable();
app.Run();
