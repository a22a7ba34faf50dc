namespace CloudSeg.Training.Import;

/// <summary>The file is not a well-formed safetensors file; the message says what is wrong and where.</summary>
public sealed class SafeTensorsFormatException(string message) : Exception(message);
