using System.Globalization;
using System.Text;

namespace Resumable.LoadTest;

/// <summary>A minimal line chart as SVG: axes with ticks, one polyline per series, a legend. No dependencies.</summary>
internal static class SvgChart
{
    private const int Width = 720, Height = 420, Left = 70, Right = 160, Top = 40, Bottom = 60;
    private static readonly string[] Colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"];

    public static string Lines(string title, string xLabel, string yLabel, IReadOnlyList<(string Name, IReadOnlyList<(double X, double Y)> Points)> series, bool logX = false)
    {
        var all = series.SelectMany(s => s.Points).ToList();
        double X(double x) => logX ? Math.Log10(Math.Max(x, 1e-3)) : x;
        var minX = all.Min(p => X(p.X));
        var maxX = all.Max(p => X(p.X));
        var maxY = all.Max(p => p.Y) * 1.05;
        if (maxX <= minX)
        {
            maxX = minX + 1;
        }

        double Px(double x) => Left + ((X(x) - minX) / (maxX - minX) * (Width - Left - Right));
        double Py(double y) => Height - Bottom - (y / (maxY == 0 ? 1 : maxY) * (Height - Top - Bottom));
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">{Escape(title)}</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{Height - Bottom}\" x2=\"{Width - Right}\" y2=\"{Height - Bottom}\" stroke=\"black\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{Height - Bottom}\" stroke=\"black\"/>\n");
        for (var i = 0; i <= 5; i++)
        {
            var y = maxY * i / 5;
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left - 4}\" y1=\"{Py(y):F1}\" x2=\"{Width - Right}\" y2=\"{Py(y):F1}\" stroke=\"#ddd\"/><text x=\"{Left - 6}\" y=\"{Py(y) + 4:F1}\" text-anchor=\"end\">{Format(y)}</text>\n");
            var xValue = logX ? Math.Pow(10, minX + ((maxX - minX) * i / 5)) : minX + ((maxX - minX) * i / 5);
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Px(xValue):F1}\" y=\"{Height - Bottom + 18}\" text-anchor=\"middle\">{Format(xValue)}</text>\n");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{(Left + Width - Right) / 2}\" y=\"{Height - 15}\" text-anchor=\"middle\">{Escape(xLabel)}</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"16\" y=\"{(Top + Height - Bottom) / 2}\" text-anchor=\"middle\" transform=\"rotate(-90 16 {(Top + Height - Bottom) / 2})\">{Escape(yLabel)}</text>\n");
        for (var s = 0; s < series.Count; s++)
        {
            var color = Colors[s % Colors.Length];
            var points = string.Join(' ', series[s].Points.Select(p => string.Create(CultureInfo.InvariantCulture, $"{Px(p.X):F1},{Py(p.Y):F1}")));
            svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{points}\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Width - Right + 15}\" y=\"{Top + (s * 20)}\" width=\"14\" height=\"3\" fill=\"{color}\"/><text x=\"{Width - Right + 35}\" y=\"{Top + (s * 20) + 5}\">{Escape(series[s].Name)}</text>\n");
        }

        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static string Format(double value) =>
        value >= 1_000_000 ? (value / 1_000_000).ToString("0.#", CultureInfo.InvariantCulture) + "M"
        : value >= 1_000 ? (value / 1_000).ToString("0.#", CultureInfo.InvariantCulture) + "k"
        : value.ToString(value >= 10 ? "0" : "0.##", CultureInfo.InvariantCulture);

    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal);
}
