using System.Collections;
using System.IO.Compression;
using System.Numerics;
using Razorvine.Pickle;
using static TorchSharp.torch;

namespace CloudSeg.Training.Import;

/// <summary>
/// Reads a state dict saved by <c>torch.save</c>, without Python, in both of PyTorch's serialisations:
/// <list type="bullet">
/// <item>the zip format (PyTorch ≥ 1.6): <c>&lt;name&gt;/data.pkl</c> pickles the dict, each tensor's storage is the
/// entry <c>&lt;name&gt;/data/&lt;key&gt;</c>;</item>
/// <item>the legacy format (older torchvision files, e.g. the COCO Mask R-CNN's): five pickles in a row — a magic
/// number, the protocol version (1001), system info, the dict, the list of storage keys — then each storage as an
/// int64 element count and its raw little-endian bytes, in that list's order.</item>
/// </list>
/// In both, a tensor is pickled as <c>torch._utils._rebuild_tensor_v2(storage, offset, size, stride, …)</c> where the
/// storage is a persistent id <c>('storage', torch.FloatStorage, key, location, numel[, view])</c>.
/// TorchSharp.PyBridge reads only the zip format (it opens every file as a zip archive), hence this reader.
/// </summary>
public static class PyTorchStateDictFile
{
    private static readonly BigInteger LegacyMagic = BigInteger.Parse("1950a86a20f9469cfc6c", System.Globalization.NumberStyles.HexNumber);
    private const int LegacyProtocol = 1001;

    private static readonly Dictionary<string, (ScalarType Type, int Size)> StorageTypes = new(StringComparer.Ordinal)
    {
        ["FloatStorage"] = (ScalarType.Float32, 4), ["DoubleStorage"] = (ScalarType.Float64, 8), ["HalfStorage"] = (ScalarType.Float16, 2),
        ["BFloat16Storage"] = (ScalarType.BFloat16, 2), ["LongStorage"] = (ScalarType.Int64, 8), ["IntStorage"] = (ScalarType.Int32, 4),
        ["ShortStorage"] = (ScalarType.Int16, 2), ["CharStorage"] = (ScalarType.Int8, 1), ["ByteStorage"] = (ScalarType.Byte, 1),
        ["BoolStorage"] = (ScalarType.Bool, 1),
    };

    static PyTorchStateDictFile()
    {
        // Razorvine's constructor registry is process-wide; these are the only torch globals a state dict pickles.
        Unpickler.registerConstructor("torch._utils", "_rebuild_tensor_v2", new RebuildTensor());
        Unpickler.registerConstructor("torch._utils", "_rebuild_parameter", new RebuildParameter());
        Unpickler.registerConstructor("collections", "OrderedDict", new OrderedDictConstructor());
        foreach (var (name, type) in StorageTypes)
            Unpickler.registerConstructor("torch", name, new StorageType(name, type.Type, type.Size));
    }

    /// <summary>True when the file starts like a zip archive (the current format).</summary>
    public static bool IsZip(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> magic = stackalloc byte[4];
        return stream.Read(magic) == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4;
    }

    /// <summary>Every tensor of the state dict by name (the caller disposes them).</summary>
    public static Dictionary<string, Tensor> Read(string path)
    {
        var storages = new Dictionary<string, StorageRef>(StringComparer.Ordinal);
        IDictionary dict;
        if (IsZip(path))
        {
            using var archive = ZipFile.OpenRead(path);
            var pickle = archive.Entries.FirstOrDefault(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) || e.FullName == "data.pkl")
                ?? throw new InvalidDataException($"{path}: a zip file without data.pkl is not a torch.save file.");
            var root = pickle.FullName[..^"data.pkl".Length];
            using (var stream = pickle.Open())
                dict = Unpickle(path, stream, storages);
            foreach (var (key, storage) in storages)
            {
                var entry = archive.GetEntry($"{root}data/{key}") ?? throw new InvalidDataException($"{path}: storage {key} is missing.");
                using var data = entry.Open();
                storage.ReadFrom(data, path);
            }
        }
        else
        {
            using var stream = new BufferedStream(File.OpenRead(path));
            using var header = new Unpickler();
            if (Load(header, stream, path) is not BigInteger magic || magic != LegacyMagic)
                throw new InvalidDataException($"{path} is neither a zip nor a legacy torch.save file.");
            if (Convert.ToInt32(Load(header, stream, path)) != LegacyProtocol)
                throw new InvalidDataException($"{path}: unsupported legacy protocol version.");
            if (Load(header, stream, path) is IDictionary info && info["little_endian"] is false)
                throw new InvalidDataException($"{path} was written on a big-endian machine.");
            dict = Unpickle(path, stream, storages);
            if (Load(header, stream, path) is not IList keys)
                throw new InvalidDataException($"{path}: the storage key list is missing.");
            var count = new byte[8];
            foreach (var key in keys.Cast<object>().Select(k => k.ToString()!))
            {
                if (!storages.TryGetValue(key, out var storage)) throw new InvalidDataException($"{path}: storage {key} is not referenced.");
                try { stream.ReadExactly(count); }
                catch (EndOfStreamException) { throw new InvalidDataException($"{path} ends before storage {key} (truncated download?)."); }
                if (BitConverter.ToInt64(count) != storage.Elements)
                    throw new InvalidDataException($"{path}: storage {key} holds {BitConverter.ToInt64(count)} elements, the pickle says {storage.Elements}.");
                storage.ReadFrom(stream, path);
            }
        }

        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (DictionaryEntry entry in dict)
                tensors[(string)entry.Key] = entry.Value is TensorRef reference
                    ? reference.Build()
                    : throw new InvalidDataException($"{path}: {entry.Key} is a {entry.Value?.GetType().Name ?? "None"}, not a tensor (not a state dict?).");
            return tensors;
        }
        catch
        {
            foreach (var tensor in tensors.Values) tensor.Dispose();
            throw;
        }
        finally
        {
            foreach (var storage in storages.Values) storage.Dispose();
        }
    }

    private static IDictionary Unpickle(string path, Stream stream, Dictionary<string, StorageRef> storages)
    {
        using var unpickler = new StateDictUnpickler(storages);
        return Load(unpickler, stream, path) switch
        {
            IDictionary dict => dict,
            var other => throw new InvalidDataException($"{path} holds a {other?.GetType().Name ?? "None"}, not a state dict; save model.state_dict()."),
        };
    }

    private static object? Load(Unpickler unpickler, Stream stream, string path)
    {
        try
        {
            return unpickler.load(stream);
        }
        catch (Exception e) when (e is PickleException or InvalidOperationException or EndOfStreamException or IndexOutOfRangeException)
        {
            throw new InvalidDataException($"{path}: not a readable torch.save file ({e.Message}).", e);
        }
    }

    /// <summary>Resolves ('storage', type, key, location, numel[, view]) persistent ids to one storage per key.</summary>
    private sealed class StateDictUnpickler(Dictionary<string, StorageRef> storages) : Unpickler
    {
        protected override object persistentLoad(object pid)
        {
            if (pid is not object[] { Length: >= 5 } id || id[0] as string != "storage" || id[1] is not StorageType type)
                throw new InvalidDataException($"unsupported persistent id {pid}");
            var key = id[2].ToString()!;
            if (id.Length > 5 && id[5] is not null)
                throw new InvalidDataException($"storage {key} is a view of another storage (not written by state_dict()).");
            if (!storages.TryGetValue(key, out var storage))
                storages[key] = storage = new StorageRef(type, Convert.ToInt64(id[4]));
            return storage;
        }
    }

    private sealed class StorageType(string name, ScalarType type, int size) : IObjectConstructor
    {
        public ScalarType Type => type;
        public int ElementSize => size;
        public object construct(object[] args) => throw new InvalidDataException($"torch.{name} is only expected as a storage type.");
    }

    /// <summary>One storage: its bytes once read, as a flat tensor of its type.</summary>
    private sealed class StorageRef(StorageType type, long elements) : IDisposable
    {
        private Tensor? _flat;
        public long Elements => elements;

        public void ReadFrom(Stream stream, string path)
        {
            var bytes = new byte[checked(elements * type.ElementSize)];
            try { stream.ReadExactly(bytes); }
            catch (EndOfStreamException) { throw new InvalidDataException($"{path} ends inside a tensor's data (truncated download?)."); }
            _flat = empty([elements], type.Type);
            if (bytes.Length > 0) _flat.bytes = bytes;
        }

        public Tensor Flat => _flat ?? throw new InvalidDataException("a storage's data was never read.");

        public void Dispose() => _flat?.Dispose();
    }

    /// <summary>A tensor to cut out of its storage once the storages are read: offset, sizes and strides in elements.</summary>
    private sealed record TensorRef(StorageRef Storage, long Offset, long[] Size, long[] Stride)
    {
        public Tensor Build()
        {
            using var view = Storage.Flat.as_strided(Size, Stride, Offset);
            return view.clone();
        }
    }

    private sealed class RebuildTensor : IObjectConstructor
    {
        public object construct(object[] args) =>
            args is [StorageRef storage, var offset, object[] size, object[] stride, ..]
                ? new TensorRef(storage, Convert.ToInt64(offset), size.Select(Convert.ToInt64).ToArray(), stride.Select(Convert.ToInt64).ToArray())
                : throw new InvalidDataException("unexpected _rebuild_tensor_v2 arguments");
    }

    private sealed class RebuildParameter : IObjectConstructor
    {
        public object construct(object[] args) => args[0];
    }

    private sealed class OrderedDictConstructor : IObjectConstructor
    {
        public object construct(object[] args) => new OrderedDict();
    }

    /// <summary>collections.OrderedDict; state_dict() sets a _metadata attribute on it, which BUILD hands to __setstate__.</summary>
    private sealed class OrderedDict : Hashtable
    {
        // Called by Razorvine's BUILD opcode by name; the metadata (module versions) is not needed.
        public void __setstate__(object state) { }
    }
}
