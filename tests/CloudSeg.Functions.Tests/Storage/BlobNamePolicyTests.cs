using CloudSeg.Storage;

namespace CloudSeg.Functions.Tests.Storage;

public class BlobNamePolicyTests
{
    [Theory]
    [InlineData("a.jpg")]
    [InlineData("holiday/beach 1.jpg")]
    [InlineData("dir/ü x.png")]
    [InlineData("..a/b..c/.hidden.png")]
    [InlineData("<img src=x onerror=alert(1)>.png")]
    public void Accepts_names_inside_the_container(string name)
    {
        Assert.True(BlobNamePolicy.TryValidate(name, out var reason), reason);
        Assert.Equal(name, BlobNamePolicy.Validate(name));
    }

    [Theory]
    [InlineData(null, "empty")]
    [InlineData("", "empty")]
    [InlineData("..", "'..' segment")]
    [InlineData(".", "'.' segment")]
    [InlineData("../models/current", "'..' segment")]
    [InlineData("x/../../models/current", "'..' segment")]
    [InlineData("a/./b.png", "'.' segment")]
    [InlineData("/uploads/a.png", "starts with '/'")]
    [InlineData("a//b.png", "empty folder")]
    [InlineData("a/", "ends with '/'")]
    [InlineData("a\\..\\b.png", "backslash")]
    [InlineData("a\nb.png", "control character U+000A")]
    [InlineData("a\u0000b.png", "control character U+0000")]
    [InlineData("a\u0085b.png", "control character U+0085")]
    [InlineData("photo\u202Egnp.exe", "bidirectional character U+202E")]
    [InlineData("a\u2066b.png", "bidirectional character U+2066")]
    [InlineData("a\u200Fb.png", "bidirectional character U+200F")]
    [InlineData("a\u200Eb.png", "bidirectional character U+200E")]
    public void Refuses_names_that_leave_the_container_or_display_as_something_else(string? name, string expected)
    {
        Assert.False(BlobNamePolicy.TryValidate(name, out var reason));
        Assert.Contains(expected, reason);
        var ex = Assert.Throws<InvalidBlobNameException>(() => BlobNamePolicy.Validate(name));
        Assert.Equal(reason, ex.Message);
        Assert.IsAssignableFrom<ArgumentException>(ex);
    }

    [Fact]
    public void Refuses_an_unpaired_surrogate()
    {
        // Not an [InlineData] case: attribute strings are stored as UTF-8, which turns a lone surrogate into U+FFFD.
        var name = "a" + (char)0xD800 + "b.png";
        Assert.False(BlobNamePolicy.TryValidate(name, out var reason));
        Assert.Contains("unpaired surrogate", reason);
    }

    [Fact]
    public void Limits_the_utf8_length_not_the_character_count()
    {
        Assert.True(BlobNamePolicy.TryValidate(new string('a', 1024), out _));
        Assert.False(BlobNamePolicy.TryValidate(new string('a', 1025), out var tooLong));
        Assert.Contains("1,025 bytes", tooLong);
        // 600 'ü' are 600 characters but 1,200 bytes: over the limit.
        Assert.False(BlobNamePolicy.TryValidate(new string('ü', 600), out var wide));
        Assert.Contains("1,200 bytes", wide);
    }

    [Fact]
    public void Displays_refused_names_without_their_invisible_characters()
    {
        Assert.Equal("photo\\u202Egnp.exe", BlobNamePolicy.Display("photo\u202Egnp.exe"));
        Assert.Equal("a\\u000Ab", BlobNamePolicy.Display("a\nb"));
        Assert.Equal("写真 📷.png", BlobNamePolicy.Display("写真 📷.png"));
        Assert.Equal(201, BlobNamePolicy.Display(new string('a', 5000)).Length);
    }
}
