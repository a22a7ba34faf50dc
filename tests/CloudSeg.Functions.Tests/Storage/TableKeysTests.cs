using CloudSeg.Storage;

namespace CloudSeg.Functions.Tests.Storage;

public class TableKeysTests
{
    [Theory]
    [InlineData("a/b/c.jpg", "a%2Fb%2Fc.jpg")]
    [InlineData("what?#50%.png", "what%3F%2350%25.png")]
    [InlineData("back\\slash.jpg", "back%5Cslash.jpg")]
    [InlineData("tab\there.jpg", "tab%09here.jpg")]
    [InlineData("Fotos 2024/Ünïcødé 猫.jpg", "Fotos 2024%2FÜnïcødé 猫.jpg")]
    public void Encodes_only_characters_table_keys_forbid(string blobName, string expected)
    {
        Assert.Equal(expected, TableKeys.EncodeBlobName(blobName));
    }

    [Fact]
    public void Prefix_range_contains_exactly_the_names_under_the_prefix()
    {
        var (from, to) = TableKeys.PrefixRange("cats/");
        bool InRange(string name) =>
            string.CompareOrdinal(TableKeys.EncodeBlobName(name), from) >= 0 && string.CompareOrdinal(TableKeys.EncodeBlobName(name), to) < 0;
        Assert.True(InRange("cats/a.jpg"));
        Assert.True(InRange("cats/sub/b.jpg"));
        Assert.False(InRange("cats.jpg"));
        Assert.False(InRange("dogs/a.jpg"));
    }

    [Fact]
    public void Long_names_get_short_distinct_keys()
    {
        var a = new string('x', 1000) + "a.jpg";
        var b = new string('x', 1000) + "b.jpg";
        Assert.True(TableKeys.EncodeBlobName(a).Length <= TableKeys.MaxKeyLength);
        Assert.NotEqual(TableKeys.EncodeBlobName(a), TableKeys.EncodeBlobName(b));
        Assert.Equal(TableKeys.EncodeBlobName(a), TableKeys.EncodeBlobName(a));
    }

    [Theory]
    [InlineData("a.jpg", "a.jpg")]
    [InlineData("../up.jpg", "%2E%2E/up.jpg")]
    [InlineData("x/./y//z.png", "x/%2E/y/%00/z.png")]
    public void Result_folders_keep_dot_segments_from_escaping(string blobName, string folder)
    {
        Assert.Equal(folder, ResultLayout.FolderOf(blobName));
        Assert.Equal(folder + "/result.json", ResultLayout.ResultJsonPath(blobName));
    }
}
