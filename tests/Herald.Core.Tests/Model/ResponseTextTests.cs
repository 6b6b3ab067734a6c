using System.Text;
using Herald.Model;

namespace Herald.Core.Tests.Model;

public sealed class ResponseTextTests
{
    [Fact]
    public void Valid_UTF8_is_kept_as_sent()
    {
        const string text = "{\"ok\":true,\"note\":\"déjà vu 😀\",\"tab\":\"\t\"}";
        Assert.Same(text, ResponseText.Clean(text));
        Assert.Equal(text, ResponseText.FromUtf8(Encoding.UTF8.GetBytes(text), truncated: false));
    }

    [Fact]
    public void NUL_and_invalid_UTF8_become_the_replacement_character()
    {
        byte[] body = [(byte)'o', (byte)'k', 0, (byte)'!', 0xFF, 0xC3, (byte)'x', 0x89, 0x50, 0x4E, 0x47];
        Assert.Equal("ok\uFFFD!\uFFFD\uFFFDx\uFFFDPNG", ResponseText.FromUtf8(body, truncated: false));
    }

    [Fact]
    public void A_character_cut_off_by_the_limit_is_dropped_but_one_the_body_ends_with_is_replaced()
    {
        byte[] body = [(byte)'a', 0xC3, 0xA9, (byte)'b', 0xE2, 0x82]; // "aéb" and the first two bytes of "€"
        Assert.Equal("aéb", ResponseText.FromUtf8(body, truncated: true));
        Assert.Equal("aéb\uFFFD", ResponseText.FromUtf8(body, truncated: false));
    }

    [Fact]
    public void Unpaired_surrogates_are_replaced_and_the_length_is_bounded_without_splitting_a_pair()
    {
        Assert.Equal("a\uFFFDb\uFFFD\uD83D\uDE00", ResponseText.Clean("a\uDC00b\uD800\uD83D\uDE00"));
        Assert.Equal("ab", ResponseText.Clean("ab\uD83D\uDE00", maxLength: 3));
        Assert.Equal("abc", ResponseText.Clean("abcdef", maxLength: 3));
        Assert.Equal("", ResponseText.Clean(null));
    }
}
