using System.Security.Cryptography;

namespace Herald.Ids;

/// <summary>
/// Prefixed, time-sortable identifiers (<c>app_…</c>, <c>ep_…</c>, <c>msg_…</c>, <c>atmpt_…</c>).
/// The body is 16 bytes, a 48-bit millisecond timestamp followed by 80 random bits, written as
/// 22 fixed-width base62 digits whose ASCII order matches numeric order, so ids sort by creation time.
/// Within one millisecond the random part is incremented, keeping ids from one process strictly increasing.
/// </summary>
public static class HeraldId
{
    public const string App = "app_";
    public const string Endpoint = "ep_";
    public const string Message = "msg_";
    public const string Attempt = "atmpt_";
    public const string Task = "qtask_";
    public const string Token = "ptok_";

    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private const int BodyLength = 22;
    private static readonly Lock Gate = new();
    private static UInt128 _last;

    public static string New(string prefix, DateTimeOffset now)
    {
        UInt128 value;
        Span<byte> random = stackalloc byte[10];
        RandomNumberGenerator.Fill(random);
        ulong ms = (ulong)Math.Max(0, now.ToUnixTimeMilliseconds()) & 0xFFFF_FFFF_FFFFUL;
        UInt128 candidate = ((UInt128)ms << 80)
            | ((UInt128)BitConverter.ToUInt16(random[..2]) << 64)
            | BitConverter.ToUInt64(random[2..]);
        lock (Gate)
        {
            value = candidate > _last ? candidate : _last + 1;
            _last = value;
        }
        return prefix + Encode(value);
    }

    /// <summary>The smallest id of the given prefix created at or after <paramref name="time"/>, for range queries.</summary>
    public static string LowerBound(string prefix, DateTimeOffset time)
    {
        ulong ms = (ulong)Math.Max(0, time.ToUnixTimeMilliseconds()) & 0xFFFF_FFFF_FFFFUL;
        return prefix + Encode((UInt128)ms << 80);
    }

    public static bool HasPrefix(string value, string prefix) =>
        value.Length == prefix.Length + BodyLength && value.StartsWith(prefix, StringComparison.Ordinal);

    /// <summary>The creation time carried by an id, or null when the value is not an id of that prefix.</summary>
    public static DateTimeOffset? TimeOf(string value, string prefix)
    {
        if (!HasPrefix(value, prefix))
        {
            return null;
        }
        UInt128 n = 0;
        foreach (char c in value.AsSpan(prefix.Length))
        {
            int digit = Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (digit < 0)
            {
                return null;
            }
            n = n * 62 + (uint)digit;
        }
        return DateTimeOffset.FromUnixTimeMilliseconds((long)(ulong)(n >> 80));
    }

    private static string Encode(UInt128 value)
    {
        Span<char> chars = stackalloc char[BodyLength];
        for (int i = BodyLength - 1; i >= 0; i--)
        {
            chars[i] = Alphabet[(int)(value % 62)];
            value /= 62;
        }
        return new string(chars);
    }
}
