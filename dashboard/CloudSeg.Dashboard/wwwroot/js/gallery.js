// Tells the gallery how wide its grid is, so the number of tile columns follows the window (phone: 1–2, desktop: 5+).
// Blazor's Virtualize needs whole rows of a known height, so the column count is decided on the server from this width.

const observers = new Map();

export function observeWidth(element, dotnet) {
    let last = -1;
    const report = () => {
        const width = Math.floor(element.clientWidth);
        if (width === last || width === 0) return;
        last = width;
        dotnet.invokeMethodAsync('OnGridWidth', width);
    };
    const observer = new ResizeObserver(report);
    observer.observe(element);
    observers.set(element, observer);
    report();
}

export function dispose(element) {
    observers.get(element)?.disconnect();
    observers.delete(element);
}
