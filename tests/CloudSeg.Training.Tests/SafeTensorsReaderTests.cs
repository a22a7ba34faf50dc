using System.Text.Json;
using CloudSeg.Training.Import;
using static TorchSharp.torch;

namespace CloudSeg.Training.Tests;

/// <summary>
/// Reads tests/fixtures/export/dtypes.safetensors, written by make_dtypes_fixture.py with PyTorch, and compares every
/// value with the JSON the same script wrote.
/// </summary>
public sealed class SafeTensorsReaderTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", "export", name);

    [Fact]
    public void Every_dtype_reads_back_the_values_pytorch_wrote()
    {
        var file = SafeTensorsFile.Open(Fixture("dtypes.safetensors"));
        using var expected = JsonDocument.Parse(File.ReadAllText(Fixture("dtypes.expected.json")));
        var tensors = file.ReadAll();

        Assert.Equal(expected.RootElement.EnumerateObject().Select(p => p.Name).Order(), tensors.Keys.Order());
        foreach (var property in expected.RootElement.EnumerateObject())
        {
            var tensor = tensors[property.Name];
            var shape = property.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            var values = property.Value.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToArray();
            Assert.Equal(shape, tensor.shape);
            using var asDouble = tensor.to_type(ScalarType.Float64).flatten();
            Assert.Equal(values, asDouble.data<double>().ToArray());
        }
        Assert.Equal(ScalarType.Float16, tensors["f16.cube"].dtype);
        Assert.Equal(ScalarType.BFloat16, tensors["bf16.vector"].dtype);
        Assert.Equal(ScalarType.Int64, tensors["i64.counter"].dtype);
        Assert.Equal("make_dtypes_fixture.py", file.Metadata["producer"]);
    }

    [Fact]
    public void Entries_are_listed_in_data_order()
    {
        var file = SafeTensorsFile.Open(Fixture("dtypes.safetensors"));
        Assert.Equal(file.Entries.OrderBy(e => e.Begin).Select(e => e.Name), file.Entries.Select(e => e.Name));
        Assert.Equal(11, file.Entries.Count);
    }

    [Theory]
    [InlineData("truncated-length")]
    [InlineData("huge-header")]
    [InlineData("not-json")]
    [InlineData("bad-dtype")]
    [InlineData("wrong-byte-count")]
    [InlineData("past-end")]
    public void Malformed_files_fail_with_a_clear_format_error(string defect)
    {
        var path = Path.Combine(Path.GetTempPath(), $"cloudseg-safetensors-{defect}-{Guid.NewGuid():N}.safetensors");
        try
        {
            File.WriteAllBytes(path, MalformedFile(defect));
            var error = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsFile.Open(path));
            Assert.Contains(path, error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static byte[] MalformedFile(string defect) => defect switch
    {
        "truncated-length" => [1, 2, 3],
        "huge-header" => [.. BitConverter.GetBytes(1L << 40), .. "{}"u8],
        "not-json" => WithHeader("{not json"u8.ToArray(), 0),
        "bad-dtype" => WithHeader("""{"a":{"dtype":"F8","shape":[1],"data_offsets":[0,1]}}"""u8.ToArray(), 1),
        "wrong-byte-count" => WithHeader("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"""u8.ToArray(), 4),
        "past-end" => WithHeader("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"""u8.ToArray(), 4),
        _ => throw new ArgumentOutOfRangeException(nameof(defect)),
    };

    private static byte[] WithHeader(byte[] header, int dataBytes) =>
        [.. BitConverter.GetBytes((long)header.Length), .. header, .. new byte[dataBytes]];
}
