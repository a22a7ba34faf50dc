using CloudSeg.Storage;
using CloudSeg.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CloudSeg.EndToEnd.Tests;

/// <summary>
/// The failures page with more failures than one server page: every one is listed, newest first; bad input offers no
/// Retry; a selection is deleted together, "Undo" brings it back, and without undo it is gone after the grace period.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class FailuresPageTests(StackFixture stack)
{
    private const int Failures = 75; // more than one server page (60 by default, 8 in the stack), far more than the 10 rows once shown

    [Fact]
    public async Task Every_failure_is_listed_newest_first_and_a_deleted_selection_can_be_undone()
    {
        var run = Guid.NewGuid().ToString("N")[..6];
        var start = DateTimeOffset.UtcNow.AddHours(-3);
        var names = new List<string>();
        for (var i = 0; i < Failures; i++)
        {
            // Names sort the opposite way to their times, so a name-ordered list would fail the order check.
            var row = ImageIndexEntity.ForBlob($"{run}-fail-{Failures - i:000}.png");
            row.Status = ImageStatus.Failed;
            row.ErrorKind = i % 5 == 0 ? FailureKind.BadInput : FailureKind.Poisoned;
            row.Error = row.ErrorKind == FailureKind.BadInput ? "Not an image." : "Gave up after 5 attempts.";
            row.Attempts = 5;
            row.ProcessedAt = start.AddMinutes(i);
            await stack.Storage.UpsertImageAsync(row);
            names.Add(row.BlobName);
        }
        var page = await stack.NewPageAsync();

        await page.OpenAsync("/failures");
        var ours = page.Locator("[data-testid=failure-name]", new() { HasText = $"{run}-fail-" });
        await Expect(ours).ToHaveCountAsync(Failures);
        var listed = await ours.AllInnerTextsAsync();
        Assert.Equal(Enumerable.Reverse(names), listed.Select(t => t.Trim()));

        var badInput = Row(page, names[0]);
        await Expect(badInput.Locator("[data-testid=failure-reason]")).ToHaveTextAsync("Not an image.");
        await Expect(badInput.Locator("[data-testid=retry]")).ToHaveCountAsync(0);
        await Expect(Row(page, names[1]).Locator("[data-testid=retry]")).ToHaveCountAsync(1);

        // Select two rows, delete them together, undo: both come back and storage never lost them.
        string[] chosen = [names[2], names[3]];
        foreach (var name in chosen) await Row(page, name).Locator("input[type=checkbox]").CheckAsync();
        await page.Locator("[data-testid=delete-selected]").ClickAsync();
        foreach (var name in chosen) await Expect(Row(page, name)).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Button, new() { Name = "Undo" }).ClickAsync();
        foreach (var name in chosen) await Expect(Row(page, name)).ToHaveCountAsync(1);
        foreach (var name in chosen) Assert.NotNull(await stack.Storage.GetImageAsync(name));

        // Without undo they are deleted once the window (6 s here) has passed.
        foreach (var name in chosen) await Row(page, name).Locator("input[type=checkbox]").CheckAsync();
        await page.Locator("[data-testid=delete-selected]").ClickAsync();
        foreach (var name in chosen)
            await Eventually.TrueAsync(async () => await stack.Storage.GetImageAsync(name) is null, $"{name} to be deleted");
        await page.Locator("[aria-label=Reload]").ClickAsync();
        await Expect(ours).ToHaveCountAsync(Failures - 2);
    }

    private static ILocator Row(IPage page, string name) =>
        page.Locator("tr", new() { Has = page.Locator("[data-testid=failure-name]", new() { HasText = name }) });
}
