using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CloudSeg.EndToEnd.Tests;

/// <summary>The gallery's upload-date filter: the whole calendar (Saturday included) is on screen, and a chosen range reads in full.</summary>
[Collection(StackCollection.Name)]
public sealed class DateFilterTests(StackFixture stack)
{
    [Theory]
    [InlineData(1400, 900)]
    [InlineData(390, 844)]
    public async Task The_calendar_shows_all_seven_columns_and_the_chosen_range_is_not_cut(int width, int height)
    {
        var page = await stack.NewPageAsync(width, height);
        await page.OpenAsync($"/?q={Guid.NewGuid().ToString("N")[..6]}");
        await page.Locator("[data-testid=filter-dates] input").First.ClickAsync();
        var popover = page.Locator(".mud-popover-open").Filter(new() { Has = page.Locator(".mud-picker-calendar") });
        await Expect(popover.First).ToBeVisibleAsync();

        // Every weekday label (Saturday is the last column) lies inside its month's calendar and inside the window.
        var outside = await popover.First.EvaluateAsync<string[]>($$"""
            popover => [...popover.querySelectorAll('.mud-picker-calendar-container')].flatMap(month => {
                const m = month.getBoundingClientRect(), p = popover.getBoundingClientRect();
                return [...month.querySelectorAll('.mud-picker-calendar-header-day .mud-day-label')].map(label => {
                    const r = label.getBoundingClientRect();
                    return r.right > Math.min(m.right, p.right, {{width}}) + 0.5 || r.left < Math.max(m.left, p.left, 0) - 0.5
                        ? `${label.textContent} at ${r.left}..${r.right}, month ${m.left}..${m.right}, popup ${p.left}..${p.right}` : null;
                }).filter(x => x);
            })
            """);
        Assert.Empty(outside);
        Assert.Equal(7, await popover.First.Locator(".mud-picker-calendar-container").First.Locator(".mud-day-label").CountAsync());

        // Pick the 10th to the 20th of the month shown: both dates read in full in the filter box.
        var days = popover.First.Locator("button.mud-day:not(.mud-hidden):not([disabled])");
        await days.GetByText("10", new() { Exact = true }).First.ClickAsync();
        await days.GetByText("20", new() { Exact = true }).First.ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("from=.*to="));
        var cut = await page.Locator("[data-testid=filter-dates] input").EvaluateAllAsync<string[]>(
            "inputs => inputs.filter(i => i.scrollWidth > i.clientWidth + 1).map(i => `${i.value}: ${i.scrollWidth} > ${i.clientWidth}`)");
        Assert.Empty(cut);
    }
}
