using System.Text.Json.Serialization;

namespace CloudSeg.Core.Coco;

/// <summary>Source-generated serializers: no reflection, fast start-up in serverless hosts.</summary>
// Missing required fields and nulls in non-nullable places are errors, not silent zeros.
[JsonSourceGenerationOptions(RespectRequiredConstructorParameters = true, RespectNullableAnnotations = true)]
[JsonSerializable(typeof(List<CocoResult>))]
[JsonSerializable(typeof(CocoResult))]
[JsonSerializable(typeof(int[]))]
[JsonSerializable(typeof(List<long>))]
internal sealed partial class CocoJsonContext : JsonSerializerContext;
