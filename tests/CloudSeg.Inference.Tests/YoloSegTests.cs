using CloudSeg.Core.Geometry;
using CloudSeg.Core.Imaging;
using CloudSeg.Core.Masks;
using CloudSeg.ModelCards;
using CloudSeg.Tests;

namespace CloudSeg.Inference.Tests;

/// <summary>An Ultralytics YOLO-seg export served as it is, on a graph written to the documented contract
/// (<see cref="YoloSegFixtureGraph"/>): letterbox geometry, NMS, mask assembly, class names, zero detections.</summary>
public sealed class YoloSegTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly string _onnx;

    public YoloSegTests()
    {
        _onnx = Path.Combine(_folder.Path, "yolo11n-seg.onnx");
        YoloSegFixtureGraph.Write(_onnx);
    }

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(1280, 720, 640, 360, 0, 140)]
    [InlineData(500, 333, 640, 426, 0, 107)]
    [InlineData(333, 500, 426, 640, 107, 0)]
    [InlineData(100, 50, 640, 320, 0, 160)] // small pictures are enlarged, as Ultralytics' predict does
    [InlineData(641, 2, 640, 2, 0, 319)]
    public void Letterbox_scales_by_the_long_side_and_centres_with_ultralytics_rounding(int width, int height, int resizedWidth, int resizedHeight, int left, int top)
    {
        var letterbox = Letterbox.Plan(width, height, 640);
        Assert.Equal((resizedWidth, resizedHeight, left, top), (letterbox.ResizedWidth, letterbox.ResizedHeight, letterbox.Left, letterbox.Top));
    }

    [Theory]
    [InlineData(400, 200)] // landscape: grey bands above and below
    [InlineData(200, 400)] // portrait: grey bands left and right
    public async Task Boxes_and_masks_come_back_in_picture_pixels_through_the_letterbox(int width, int height)
    {
        // The picture's scale and padding, worked out here independently of Letterbox (exact for these sizes).
        var r = Math.Min(640.0 / width, 640.0 / height);
        double left = (640 - width * r) / 2, top = (640 - height * r) / 2;
        BoxF Expected(int candidate)
        {
            var (cx, cy, w, h, _, _) = YoloSegFixtureGraph.Candidates[candidate];
            return new BoxF((float)((cx - w / 2 - left) / r), (float)((cy - h / 2 - top) / r), (float)((cx + w / 2 - left) / r), (float)((cy + h / 2 - top) / r));
        }
        // White exactly where the first candidate's box is; the fixture's masks are "white inside the box".
        var white = Expected(0);
        var picture = Picture(width, height, white);
        using var segmenter = SegmenterFactory.Load(_onnx, new SegmenterOptions { IntraOpThreads = 1 });

        var result = await segmenter.SegmentAsync(picture);

        Assert.Equal((width, height), (result.Width, result.Height));
        Assert.Equal(2, result.Instances.Count); // the second candidate is suppressed, the fourth under the threshold
        var (first, second) = (result.Instances[0], result.Instances[1]);
        Assert.Equal((1, "circle", 0.9f), (first.CategoryId, first.ClassName, first.Score));
        Assert.Equal((2, "it's a square", 0.6f), (second.CategoryId, second.ClassName, second.Score));
        AssertBox(white, first.Box);
        AssertBox(Expected(2), second.Box);
        Assert.Null(first.MaskIou);

        Assert.True(RleMask.IoU(first.Mask, Rectangle(width, height, white)) >= 0.97, $"first mask IoU {RleMask.IoU(first.Mask, Rectangle(width, height, white))}");
        // The third candidate's box lies inside the white area: its mask is its whole box.
        Assert.True(RleMask.IoU(second.Mask, Rectangle(width, height, second.Box)) >= 0.95);
    }

    [Fact]
    public async Task A_dark_picture_has_zero_detections()
    {
        using var segmenter = SegmenterFactory.Load(_onnx, new SegmenterOptions { IntraOpThreads = 1 });
        var result = await segmenter.SegmentAsync(new RgbImage(300, 500, new byte[300 * 500 * 3]));
        Assert.Empty(result.Instances);
        Assert.Equal((300, 500), (result.Width, result.Height));
    }

    [Fact]
    public async Task Results_map_to_the_source_picture_when_a_shrunk_copy_is_segmented()
    {
        using var segmenter = SegmenterFactory.Load(_onnx, new SegmenterOptions { IntraOpThreads = 1 });
        Assert.Equal((640, 320), segmenter.WorkingSize(1600, 800));
        Assert.Equal((400, 200), segmenter.WorkingSize(400, 200)); // enlarged by the model: decode at its own size

        var small = Picture(400, 200, new BoxF(100, 50, 300, 150));
        var result = await segmenter.SegmentAsync(small, new SegmentRequestOptions { SourceSize = (1600, 800) });

        Assert.Equal((1600, 800), (result.Width, result.Height));
        AssertBox(new BoxF(400, 200, 1200, 600), result.Instances[0].Box);
        Assert.Equal((800, 1600), (result.Instances[0].Mask.Height, result.Instances[0].Mask.Width));
        Assert.True(RleMask.IoU(result.Instances[0].Mask, Rectangle(1600, 800, new BoxF(400, 200, 1200, 600))) >= 0.97);
    }

    [Fact]
    public void The_factory_recognises_a_cardless_export_and_reads_its_class_names_from_the_metadata()
    {
        using var segmenter = SegmenterFactory.Load(_onnx, new SegmenterOptions { IntraOpThreads = 1 });

        Assert.IsType<YoloSegSegmenter>(segmenter);
        Assert.Equal(ModelArchitecture.YoloSeg, segmenter.Architecture);
        Assert.Equal(ModelFormat.Ultralytics, segmenter.Format);
        Assert.Equal(["__background__", "circle", "it's a square"], segmenter.Card.Classes);
        Assert.Equal("yolo11n-seg", segmenter.Card.Name);
    }

    [Fact]
    public void A_card_naming_yolo_seg_is_followed_and_its_class_names_win()
    {
        File.Move(_onnx, Path.Combine(_folder.Path, ModelPackage.OnnxFileName));
        new ModelCard { Name = "shapes", Architecture = ModelArchitecture.YoloSeg, Classes = ["__background__", "disc", "box"] }
            .Write(Path.Combine(_folder.Path, ModelPackage.CardFileName));

        using var segmenter = SegmenterFactory.Load(_folder.Path, new SegmenterOptions { IntraOpThreads = 1 });

        Assert.IsType<YoloSegSegmenter>(segmenter);
        Assert.Equal("disc", segmenter.Card.ClassName(1));
    }

    [Fact]
    public void A_card_whose_class_list_disagrees_with_the_graph_is_refused()
    {
        File.Move(_onnx, Path.Combine(_folder.Path, ModelPackage.OnnxFileName));
        new ModelCard { Architecture = ModelArchitecture.YoloSeg, Classes = ["__background__", "only one"] }
            .Write(Path.Combine(_folder.Path, ModelPackage.CardFileName));

        var error = Assert.Throws<InvalidDataException>(() => SegmenterFactory.Load(_folder.Path, new SegmenterOptions()));
        Assert.Contains("scores 2 classes but the class list has 1", error.Message);
    }

    [Fact]
    public void Mask_rcnn_graphs_still_load_through_the_factory()
    {
        using var segmenter = SegmenterFactory.Load(RepoPaths.FixtureModel("torchvision-tiny"), new SegmenterOptions { IntraOpThreads = 1 });
        Assert.IsType<MaskRcnnSegmenter>(segmenter);
        Assert.Equal(ModelArchitecture.MaskRcnn, segmenter.Architecture);
    }

    [Theory]
    [InlineData("{0: 'person', 1: 'bicycle'}", 2, "bicycle")]
    [InlineData("{0: \"rider's bike\", 1: 'a \\'quoted\\' name',}", 2, "a 'quoted' name")]
    [InlineData("{}", 0, null)]
    public void Class_names_are_read_from_a_python_dict_literal(string literal, int count, string? second)
    {
        var names = PythonDictLiteral.ParseIntToString(literal);
        Assert.Equal(count, names.Count);
        if (second is not null) Assert.Equal(second, names[1]);
    }

    [Theory]
    [InlineData("['person']")]
    [InlineData("{0: person}")]
    [InlineData("{0: 'a', 0: 'b'}")]
    [InlineData("{0: 'unterminated}")]
    public void A_malformed_names_literal_is_a_clear_error(string literal) =>
        Assert.Throws<FormatException>(() => PythonDictLiteral.ParseIntToString(literal));

    private static void AssertBox(BoxF expected, BoxF actual)
    {
        Assert.Equal(expected.X1, actual.X1, 0.01f);
        Assert.Equal(expected.Y1, actual.Y1, 0.01f);
        Assert.Equal(expected.X2, actual.X2, 0.01f);
        Assert.Equal(expected.Y2, actual.Y2, 0.01f);
    }

    /// <summary>A dark picture, white inside <paramref name="white"/> (pixels whose centre lies in it).</summary>
    private static RgbImage Picture(int width, int height, BoxF white)
    {
        var pixels = new byte[width * height * 3];
        var mask = Rectangle(width, height, white).Decode();
        for (var i = 0; i < mask.Length; i++)
            if (mask[i] != 0) pixels.AsSpan(i * 3, 3).Fill(255);
        return new RgbImage(width, height, pixels);
    }

    private static RleMask Rectangle(int width, int height, BoxF box)
    {
        var mask = new byte[width * height];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                if (x + 0.5f >= box.X1 && x + 0.5f < box.X2 && y + 0.5f >= box.Y1 && y + 0.5f < box.Y2)
                    mask[y * width + x] = 1;
        return RleMask.Encode(mask, height, width);
    }
}
