using System.Reflection;
using CloudSeg.Bench.Functions;

// Load/fault benchmark of the functions (LoadFaultBenchmark), with --bombs the memory one (MemoryBurstBenchmark), with
// --cold-start the cold-start one (ColdStartBenchmark). Prints its figures and exits 0 only when nothing
// was lost or duplicated.
var repoRoot = typeof(BenchOptions).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == "RepoRoot").Value!;
var options = BenchOptions.Parse(args, repoRoot);
using var cancel = new CancellationTokenSource(options.Timeout);
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
if (options.ColdStarts > 0) return await new ColdStartBenchmark(options, repoRoot).RunAsync(cancel.Token);
if (options.Bombs > 0) return await new MemoryBurstBenchmark(options, repoRoot).RunAsync(cancel.Token);
var report = await new LoadFaultBenchmark(options, repoRoot).RunAsync(cancel.Token);
report.Print();
return report.Lost == 0 && report.DuplicateRows == 0 && report.MissingResults == 0 ? 0 : 1;
