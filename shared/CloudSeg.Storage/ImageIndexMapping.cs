using System.Reflection;
using System.Runtime.Serialization;
using Azure.Data.Tables;

namespace CloudSeg.Storage;

/// <summary>
/// Converts index rows to and from the untyped <see cref="TableEntity"/>, adding the per-class count columns the typed
/// entity cannot declare ahead of time.
/// </summary>
internal static class ImageIndexMapping
{
    private static readonly PropertyInfo[] StoredProperties = typeof(ImageIndexEntity)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanWrite && p.GetCustomAttribute<IgnoreDataMemberAttribute>() is null
                    && p.Name is not (nameof(ITableEntity.ETag) or nameof(ITableEntity.Timestamp)))
        .ToArray();

    public static TableEntity ToTableEntity(ImageIndexEntity row)
    {
        var entity = new TableEntity(row.PartitionKey, row.RowKey) { ETag = row.ETag };
        foreach (var p in StoredProperties)
        {
            if (p.GetValue(row) is { } value) entity[p.Name] = value;
        }
        foreach (var (className, count) in row.ClassCounts) entity[ImageIndexEntity.ClassColumn(className)] = count;
        return entity;
    }

    public static ImageIndexEntity FromTableEntity(TableEntity entity)
    {
        var row = new ImageIndexEntity { ETag = entity.ETag, Timestamp = entity.Timestamp };
        foreach (var p in StoredProperties)
        {
            if (!entity.TryGetValue(p.Name, out var value) || value is null) continue;
            var target = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
            // Tables returns Int32 columns as int, Int64 as long, doubles may come back as int when whole in some emulators.
            p.SetValue(row, target == typeof(DateTimeOffset) && value is DateTime dt
                ? new DateTimeOffset(dt, TimeSpan.Zero)
                : target.IsInstanceOfType(value) ? value : Convert.ChangeType(value, target, System.Globalization.CultureInfo.InvariantCulture));
        }
        foreach (var className in (row.Classes ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (entity.TryGetValue(ImageIndexEntity.ClassColumn(className), out var value) && value is int count) row.ClassCounts[className] = count;
        }
        return row;
    }
}
