using System.Globalization;
using System.Text;

namespace DISD.Templating;

/// <summary>C <c>strftime</c> in the C locale for the codes chat templates use; glibc's <c>%-d</c> drops the padding.</summary>
public static class Strftime
{
    public static string Format(DateTime date, string format)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        for (int i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 >= format.Length)
            {
                sb.Append(format[i]);
                continue;
            }

            bool unpadded = format[i + 1] == '-' && i + 2 < format.Length;
            char code = format[unpadded ? i + 2 : i + 1];
            i += unpadded ? 2 : 1;
            string Number(int value, int width) => unpadded ? value.ToString(inv) : value.ToString(new string('0', width), inv);
            sb.Append(code switch
            {
                'a' => date.ToString("ddd", inv),
                'A' => date.ToString("dddd", inv),
                'b' or 'h' => date.ToString("MMM", inv),
                'B' => date.ToString("MMMM", inv),
                'd' => Number(date.Day, 2),
                'e' => unpadded ? date.Day.ToString(inv) : date.Day.ToString(inv).PadLeft(2),
                'm' => Number(date.Month, 2),
                'y' => Number(date.Year % 100, 2),
                'Y' => date.Year.ToString(inv),
                'H' => Number(date.Hour, 2),
                'I' => Number(date.Hour % 12 == 0 ? 12 : date.Hour % 12, 2),
                'M' => Number(date.Minute, 2),
                'S' => Number(date.Second, 2),
                'p' => date.Hour < 12 ? "AM" : "PM",
                'j' => Number(date.DayOfYear, 3),
                'F' => date.ToString("yyyy-MM-dd", inv),
                'T' => date.ToString("HH:mm:ss", inv),
                '%' => "%",
                _ => throw JinjaRuntimeError.Unsupported($"strftime code %{code}"),
            });
        }

        return sb.ToString();
    }
}
