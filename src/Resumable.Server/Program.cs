var builder = WebApplication.CreateBuilder(args);
builder.AddResumableServer();

var app = builder.Build();
app.MapResumable();
app.Run();
