using CloudSeg.Core.Geometry;
using CloudSeg.Core.Masks;

namespace CloudSeg.Core.Rendering;

/// <summary>One detection to draw: its mask, box, class name, score, and which palette colour to use.</summary>
public sealed record OverlayInstance(RleMask Mask, BoxF Box, string Label, float Score, int ColorIndex);
