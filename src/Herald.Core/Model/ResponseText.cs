using System.Text;

namespace Herald.Model;

/// <summary>
/// How a receiver's answer is kept with its attempt: as text that both stores accept, whatever was sent.
/// The body is decoded as UTF-8. Every byte sequence that is not valid UTF-8 (binary content, another charset)
/// becomes U+FFFD, as browsers decode it, and so does every NUL character, which PostgreSQL's text cannot hold;
/// a multi-byte character cut off by the size limit is dropped. Everything else is kept as sent.
/// </summary>
public static class ResponseText
{
    public const char Replacement = '\uFFFD';

    /// <summary>The text of a response body's first bytes; <paramref name="truncated"/> says the body went on past them.</summary>
    public static string FromUtf8(ReadOnlySpan<byte> bytes, bool truncated)
    {
        if (bytes.IsEmpty)
        {
            return "";
        }
        var decoder = Encoding.UTF8.GetDecoder(); // replaces invalid sequences with U+FFFD
        var chars = new char[Encoding.UTF8.GetMaxCharCount(bytes.Length)];
        // Without a flush an incomplete character at the end stays in the decoder instead of becoming U+FFFD.
        decoder.Convert(bytes, chars, flush: !truncated, out _, out int written, out _);
        return Clean(new string(chars, 0, written));
    }

    /// <summary>
    /// The text with NUL and unpaired surrogates (which UTF-8 cannot encode) replaced by U+FFFD and, past
    /// <paramref name="maxLength"/> characters, cut short. Text without them is returned as it is.
    /// </summary>
    public static string Clean(string? text, int maxLength = int.MaxValue)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }
        if (text.Length > maxLength)
        {
            // Do not split a surrogate pair.
            text = text[..(maxLength > 0 && char.IsHighSurrogate(text[maxLength - 1]) ? maxLength - 1 : maxLength)];
        }
        var span = text.AsSpan();
        int nul = span.IndexOf('\0');
        int surrogate = span.IndexOfAnyInRange('\uD800', '\uDFFF');
        if (nul < 0 && surrogate < 0)
        {
            return text;
        }
        int from = nul < 0 ? surrogate : surrogate < 0 ? nul : Math.Min(nul, surrogate);
        char[]? chars = null; // copied only when something must be replaced
        for (int i = from; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++; // a valid pair
            }
            else if (c == '\0' || char.IsSurrogate(c))
            {
                chars ??= text.ToCharArray();
                chars[i] = Replacement;
            }
        }
        return chars is null ? text : new string(chars);
    }
}
