using System.Text;

namespace CloudSeg.Inference;

/// <summary>
/// Reads the class names Ultralytics writes into its ONNX metadata: <c>str(dict)</c> of integer keys and string values,
/// e.g. <c>{0: 'person', 1: "rider's bike"}</c>. Only that shape is accepted; anything else is a clear error.
/// </summary>
public static class PythonDictLiteral
{
    public static IReadOnlyDictionary<int, string> ParseIntToString(string text)
    {
        var result = new Dictionary<int, string>();
        var i = 0;
        Skip(text, ref i);
        Expect(text, ref i, '{');
        Skip(text, ref i);
        if (Peek(text, i) == '}') return result;
        while (true)
        {
            Skip(text, ref i);
            var start = i;
            if (Peek(text, i) == '-') i++;
            while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
            if (!int.TryParse(text.AsSpan(start, i - start), out var key))
                throw Error(text, start, "an integer key");
            Skip(text, ref i);
            Expect(text, ref i, ':');
            Skip(text, ref i);
            if (!result.TryAdd(key, ReadString(text, ref i)))
                throw new FormatException($"Class names dict repeats key {key}.");
            Skip(text, ref i);
            if (Peek(text, i) == ',') { i++; Skip(text, ref i); if (Peek(text, i) == '}') { i++; break; } continue; }
            Expect(text, ref i, '}');
            break;
        }
        Skip(text, ref i);
        if (i != text.Length) throw Error(text, i, "the end of the dict");
        return result;
    }

    private static string ReadString(string text, ref int i)
    {
        var quote = Peek(text, i);
        if (quote is not ('\'' or '"')) throw Error(text, i, "a quoted string");
        i++;
        var value = new StringBuilder();
        while (i < text.Length && text[i] != quote)
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                i++;
                value.Append(text[i] switch { 'n' => '\n', 't' => '\t', _ => text[i] });
            }
            else value.Append(text[i]);
            i++;
        }
        if (i == text.Length) throw Error(text, i, $"a closing {quote}");
        i++;
        return value.ToString();
    }

    private static char Peek(string text, int i) => i < text.Length ? text[i] : '\0';

    private static void Skip(string text, ref int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
    }

    private static void Expect(string text, ref int i, char c)
    {
        if (Peek(text, i) != c) throw Error(text, i, $"'{c}'");
        i++;
    }

    private static FormatException Error(string text, int at, string expected) =>
        new($"Class names dict: expected {expected} at character {at} of \"{(text.Length > 80 ? text[..80] + "…" : text)}\".");
}
